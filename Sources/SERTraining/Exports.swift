@_exported import SERModels
