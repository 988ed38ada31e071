@_exported import SERTensor
@_exported import SERFeatures
