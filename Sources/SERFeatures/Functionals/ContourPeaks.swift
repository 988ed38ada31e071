import Foundation

/// openSMILE's `cFunctionalPeaks2` (relative threshold 0.1, absolute mode): local maxima and minima of a
/// contour, pruned in openSMILE's three passes (too-small excursions, minima too close to the preceding
/// maximum, and repeated extrema of one kind), then the slopes between consecutive extrema.
///
/// Slopes are in contour units per second (`framePeriod` seconds between frames). The quirks of the
/// reference are kept on purpose, because eGeMAPS' published values depend on them: the final segment
/// after the last extremum counts with the sign `(last − extremum)`, a contour without extrema gets one
/// slope `(last − first) / n` not divided by the period, and the standard deviations leave that final
/// segment out.
struct ContourPeaks {
    struct Extremum { let isMaximum: Bool; let value: Double; let index: Int }

    /// The extrema that survive the three pruning passes, in time order.
    let extrema: [Extremum]
    let contour: [Double]
    let framePeriod: Double

    init(_ x: [Double], framePeriod: Double, relativeThreshold: Double = 0.1) {
        contour = x
        self.framePeriod = framePeriod
        let n = x.count
        guard n > 0 else { extrema = []; return }
        let range = (x.max() ?? 0) - (x.min() ?? 0)
        let threshold = relativeThreshold * range
        func below(_ difference: Double) -> Bool { difference < threshold }

        var items: [Extremum] = []
        if n > 4 {
            for i in 2..<(n - 2) {
                if x[i] > x[i - 1] && x[i] > x[i + 1] {
                    items.append(Extremum(isMaximum: true, value: x[i], index: i))
                } else if x[i] < x[i - 1] && x[i] < x[i + 1] {
                    items.append(Extremum(isMaximum: false, value: x[i], index: i))
                }
            }
        }
        var alive = [Bool](repeating: true, count: items.count)

        // Pass 1: drop maxima that rise too little.
        var lastValue = x[0], lastMin = x[0], lastMax = x[0]
        var minFlag = false
        var lastMaxIndex: Int? = nil
        for (k, e) in items.enumerated() {
            if e.isMaximum {
                if below(abs(e.value - lastValue)) {
                    if below(e.value - lastMin) {
                        alive[k] = false
                    } else {
                        if e.value > lastMax * 1.05 {
                            if let previous = lastMaxIndex { alive[previous] = false }
                            lastMax = e.value
                            lastMaxIndex = k
                        } else if minFlag {
                            lastMax = e.value
                            lastMaxIndex = k
                        } else {
                            alive[k] = false
                        }
                        minFlag = false
                    }
                } else {
                    minFlag = false
                    lastMax = e.value
                    lastMaxIndex = k
                }
            } else if !below(abs(e.value - lastValue)) {
                minFlag = true
                lastMin = e.value
            }
            lastValue = e.value
        }

        // Pass 2: drop minima that fall too little below the preceding maximum.
        lastMax = x[0]
        for k in items.indices where alive[k] {
            if !items[k].isMaximum {
                if below(lastMax - items[k].value) { alive[k] = false }
            } else {
                lastMax = items[k].value
            }
        }

        // Pass 3: of consecutive extrema of one kind keep the most extreme.
        var inMinimum = false, initial = true
        var lastMinIndex = 0, lastMaxIdx = 0
        lastMax = x[0]; lastMin = x[0]
        for k in items.indices where alive[k] {
            let e = items[k]
            if !e.isMaximum {
                if !inMinimum || initial {
                    lastMin = e.value; lastMinIndex = k; inMinimum = true; initial = false
                } else if e.value >= lastMin {
                    alive[k] = false
                } else {
                    alive[lastMinIndex] = false
                    lastMinIndex = k; lastMin = e.value
                }
            } else {
                if inMinimum || initial {
                    lastMax = e.value; lastMaxIdx = k; inMinimum = false; initial = false
                } else if e.value <= lastMax {
                    alive[k] = false
                } else {
                    alive[lastMaxIdx] = false
                    lastMaxIdx = k; lastMax = e.value
                }
            }
        }
        extrema = items.indices.filter { alive[$0] }.map { items[$0] }
    }

    /// Number of maxima per second of contour.
    var peaksPerSecond: Double {
        guard !contour.isEmpty else { return 0 }
        return Double(extrema.filter(\.isMaximum).count) / (Double(contour.count) * framePeriod)
    }

    /// Mean and standard deviation of the rising and of the falling slopes (units per second).
    var slopeStatistics: (meanRising: Double, stddevRising: Double, meanFalling: Double, stddevFalling: Double) {
        let x = contour, n = x.count, period = framePeriod
        guard n > 0 else { return (0, 0, 0, 0) }
        var rising: [Double] = [], falling: [Double] = []
        var lastMax = x[0], lastMaxPos = 0, lastMin = x[0], lastMinPos = 0
        var lastIsMax = -1
        for e in extrema {
            if !e.isMaximum {
                lastMin = e.value; lastMinPos = e.index
                if lastMinPos - lastMaxPos > 0 {
                    falling.append((lastMax - lastMin) / (Double(lastMinPos - lastMaxPos) * period))
                    lastIsMax = 0
                }
            } else {
                lastMax = e.value; lastMaxPos = e.index
                if lastMaxPos - lastMinPos > 0 {
                    rising.append((lastMax - lastMin) / (Double(lastMaxPos - lastMinPos) * period))
                    lastIsMax = 1
                }
            }
        }
        var meanRising = 0.0, meanFalling = 0.0
        var risingCount = rising.count, fallingCount = falling.count
        var risingSum = rising.reduce(0, +), fallingSum = falling.reduce(0, +)
        if lastIsMax == 1 {
            if n - 1 - lastMaxPos > 0 {
                fallingSum += (x[n - 1] - lastMax) / (Double(n - 1 - lastMaxPos) * period)
                fallingCount += 1
            }
        } else if lastIsMax == 0 {
            if n - 1 - lastMinPos > 0 {
                risingSum += (x[n - 1] - lastMin) / (Double(n - 1 - lastMinPos) * period)
                risingCount += 1
            }
        } else {
            let slope = (x[n - 1] - x[0]) / Double(n)
            if slope > 0 { risingSum = slope; risingCount = 1 } else if slope < 0 { fallingSum = slope; fallingCount = 1 }
        }
        meanRising = risingCount > 1 ? risingSum / Double(risingCount) : risingSum
        meanFalling = fallingCount > 1 ? fallingSum / Double(fallingCount) : fallingSum

        // Standard deviations over the slopes between extrema (openSMILE's second pass).
        var risingSquares = 0.0, fallingSquares = 0.0
        lastMax = x[0]; lastMaxPos = 0; lastMin = x[0]; lastMinPos = 0
        for e in extrema {
            if !e.isMaximum {
                lastMin = e.value; lastMinPos = e.index
                if lastMinPos - lastMaxPos > 0 {
                    let s = (lastMax - lastMin) / (Double(lastMinPos - lastMaxPos) * period)
                    fallingSquares += (s - meanFalling) * (s - meanFalling)
                }
            } else {
                lastMax = e.value; lastMaxPos = e.index
                if lastMaxPos - lastMinPos != 0 {
                    let s = (lastMax - lastMin) / (Double(lastMaxPos - lastMinPos) * period)
                    risingSquares += (s - meanRising) * (s - meanRising)
                }
            }
        }
        if risingCount > 1 { risingSquares /= Double(risingCount) }
        if fallingCount > 1 { fallingSquares /= Double(fallingCount) }
        return (meanRising, risingSquares > 0 ? risingSquares.squareRoot() : 0,
                meanFalling, fallingSquares > 0 ? fallingSquares.squareRoot() : 0)
    }
}
