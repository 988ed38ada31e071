@_exported import SERAudio
