@_exported import SERFeatures
