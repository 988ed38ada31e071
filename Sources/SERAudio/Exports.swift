@_exported import SERTensor
