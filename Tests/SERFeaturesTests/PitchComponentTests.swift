import XCTest
import Foundation
@testable import SERFeatures

/// Unit tests of the pieces of the Praat pitch analysis: frame layout numbers from the reference,
/// windows, the local FFT, sinc interpolation and Brent, the path finder's tie rule, pulse insertion,
/// pitch interpolation in time, the pitch-pulse signal, and error handling.
final class PitchComponentTests: XCTestCase {
    // MARK: Layout (reference sections 1.2 and 1.3)

    func testDerivedSizesAtCommonSampleRates() throws {
        // (fs, W, maximumLag, fftSize, samplesPerPeriod, halfSamplesPerPeriod) from the reference's examples.
        let cases: [(Double, Int, Int, Int, Int?, Int?)] = [
            (16000, 638, 214, 1024, 213, 107), (22050, 880, 295, 2048, 294, 148),
            (44100, 1762, 589, 4096, nil, nil), (48000, 1918, 641, 4096, nil, nil),
        ]
        for (fs, w, maxLag, nfft, period, halfPeriod) in cases {
            let l = try PitchAnalysisLayout(sampleCount: Int(fs), sampleRate: fs, parameters: .praatDefaults)
            XCTAssertEqual(l.windowLength, w, "W at \(fs)")
            XCTAssertEqual(l.halfWindowLength * 2, l.windowLength)
            XCTAssertEqual(l.maximumLag, maxLag, "maximum lag at \(fs)")
            XCTAssertEqual(l.fftSize, nfft, "FFT size at \(fs)")
            XCTAssertEqual(l.lagLimit, w / 2, "lag limit at \(fs)")
            if let period { XCTAssertEqual(l.samplesPerPeriod, period) }
            if let halfPeriod { XCTAssertEqual(l.halfSamplesPerPeriod, halfPeriod) }
            XCTAssertEqual(l.timeStep, 0.01, accuracy: 1e-15)
            XCTAssertEqual(l.periodsPerWindow, 3)
            XCTAssertEqual(l.refinementDepth, 70)
            XCTAssertEqual(l.maximumNumberOfCandidates, 15)
            XCTAssertEqual(l.ceiling, 600)
        }
    }

    func testFrameLayoutOfTheReferenceExample() throws {
        // 54554 samples @ 22050 Hz -> 244 frames, t1 = 0.0220522 s, dt = 0.01.
        let l = try PitchAnalysisLayout(sampleCount: 54554, sampleRate: 22050, parameters: .praatDefaults)
        XCTAssertEqual(l.frames.count, 244)
        XCTAssertEqual(l.frames.x1, 0.0220522, accuracy: 5e-8)
        XCTAssertEqual(l.frames.dx, 0.01)
        // Frames are centred: first and last frame equally far from the domain ends.
        let lastTime = l.frames.time(ofIndex: 244)
        XCTAssertEqual(l.frames.x1 - 0, 54554.0 / 22050 - lastTime, accuracy: 1e-12)
        XCTAssertEqual(l.frames.xmax, 54554.0 / 22050)
    }

    func testVeryAccurateAndCandidateCountRules() throws {
        var p = PraatPitchParameters()
        p.veryAccurate = true
        let l = try PitchAnalysisLayout(sampleCount: 16000, sampleRate: 16000, parameters: p)
        XCTAssertEqual(l.periodsPerWindow, 6)
        XCTAssertEqual(l.timeStep, 0.01, accuracy: 1e-15, "auto time step is taken before the doubling")
        XCTAssertEqual(l.windowDuration, 0.08, accuracy: 1e-15)
        XCTAssertEqual(l.interpolationDepth, 0.25)
        XCTAssertEqual(l.refinementDepth, 700)
        XCTAssertEqual(l.windowLength, 1278)   // floor(0.08 * 16000) = 1280 -> 1280/2 - 1 = 639 -> 1278
        XCTAssertEqual(l.fftSize, 2048)        // >= 1278 * 1.25

        // Candidate count raised to floor(ceiling / floor); ceiling clipped to Nyquist.
        let q = PraatPitchParameters(pitchFloor: 50, maximumNumberOfCandidates: 4, pitchCeiling: 9000)
        let m = try PitchAnalysisLayout(sampleCount: 16000, sampleRate: 16000, parameters: q)
        XCTAssertEqual(m.maximumNumberOfCandidates, 180)
        XCTAssertEqual(m.ceiling, 8000)
        XCTAssertEqual(m.timeStep, 0.015, accuracy: 1e-15)   // 0.75 / 50
    }

    func testTimeAxisIndexConversions() {
        let a = PraatTimeAxis.sound(sampleCount: 100, sampleRate: 1000)
        XCTAssertEqual(a.x1, 0.0005)
        XCTAssertEqual(a.time(ofIndex: 1), 0.0005)
        XCTAssertEqual(a.lowIndex(0.0015), 2)      // exactly on sample 2
        XCTAssertEqual(a.highIndex(0.0015), 2)
        XCTAssertEqual(a.lowIndex(0.0016), 2)
        XCTAssertEqual(a.highIndex(0.0016), 3)
        XCTAssertEqual(a.nearestIndex(0.0019), 2)
        XCTAssertEqual(a.nearestIndex(0.0021), 3)
        XCTAssertEqual(a.nearestIndex(0.0020), 3, "ties go to the later sample")
        XCTAssertEqual(a.lowIndex(-1), -1000)   // floor(-999.5)
    }

    // MARK: Windows

    func testHanningWindowFormulaAndSymmetry() {
        let w = PitchWindows.hanning(length: 638)
        XCTAssertEqual(w.count, 638)
        for j in [1, 2, 100, 319, 320, 638] {
            XCTAssertEqual(w[j - 1], 0.5 - 0.5 * cos(2 * Double.pi * Double(j) / 639), accuracy: 1e-15)
        }
        for j in 0..<638 { XCTAssertEqual(w[j], w[637 - j], accuracy: 1e-15) }
        XCTAssertGreaterThan(w[0], 0, "Praat's Hanning window does not reach zero")
        XCTAssertEqual(PitchWindows.hanning(length: 0), [])
    }

    func testGaussianWindowFormula() {
        let w = PitchWindows.gaussian(length: 1278)
        let e = exp(-12.0)
        for j in [1, 300, 639, 640, 1278] {
            let d = Double(j) - 639.5
            XCTAssertEqual(w[j - 1], (exp(-48 * d * d / 1279 / 1279) - e) / (1 - e), accuracy: 1e-15)
        }
        XCTAssertEqual(w[638], w[639], accuracy: 1e-15)
        XCTAssertEqual(w[0], 0, accuracy: 1e-5)   // the edge is close to zero
    }

    func testWindowAutocorrelationAgainstDirectSum() throws {
        let w = PitchWindows.hanning(length: 638)
        XCTAssertThrowsError(try PitchWindows.normalizedAutocorrelation(of: w, fftSize: 1000))
        XCTAssertThrowsError(try PitchWindows.normalizedAutocorrelation(of: w, fftSize: 512))
        let r = try PitchWindows.normalizedAutocorrelation(of: w, fftSize: 1024)
        XCTAssertEqual(r.count, 638)
        XCTAssertEqual(r[0], 1)
        let zero = w.reduce(0) { $0 + $1 * $1 }
        var worst = 0.0
        for lag in 1..<638 {
            // Circular autocorrelation of the window zero-padded to 1024; it equals the linear one for
            // lags <= 1024 - 638 = 386, which covers every lag the analysis uses (<= 319).
            var linear = 0.0
            for j in 0..<(638 - lag) { linear += w[j] * w[j + lag] }
            var circular = linear
            if lag > 386 { for j in 0..<(lag - 386) { circular += w[j] * w[j + 1024 - lag] } }
            worst = max(worst, abs(r[lag] - circular / zero))
            if lag <= 386 { XCTAssertEqual(r[lag], linear / zero, accuracy: 1e-14) }
        }
        XCTAssertLessThan(worst, 1e-14, "worst difference \(worst)")
    }

    // MARK: Local FFT

    func testLocalFFTAgainstNaiveDFT() {
        for n in [4, 8, 16, 64, 1024] {
            let fft = LocalRealFFT(size: n)
            var rng = SystemRandomNumberGenerator()
            let x = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
            var re = [Double](repeating: 0, count: n / 2 + 1), im = re
            let ws = fft.makeWorkspace()
            x.withUnsafeBufferPointer { xp in
                re.withUnsafeMutableBufferPointer { r in
                    im.withUnsafeMutableBufferPointer { i in
                        fft.forward(xp.baseAddress!, re: r.baseAddress!, im: i.baseAddress!, workspace: ws)
                    }
                }
            }
            var worst = 0.0
            for k in 0...(n / 2) {
                var sr = 0.0, si = 0.0
                for j in 0..<n {
                    let angle = -2 * Double.pi * Double(j * k % n) / Double(n)
                    sr += x[j] * cos(angle); si += x[j] * sin(angle)
                }
                worst = max(worst, abs(sr - re[k]), abs(si - im[k]))
            }
            XCTAssertLessThan(worst, 1e-12 * Double(n), "forward, n = \(n): \(worst)")

            var back = [Double](repeating: 0, count: n)
            re.withUnsafeBufferPointer { r in
                im.withUnsafeBufferPointer { i in
                    back.withUnsafeMutableBufferPointer { b in
                        fft.inverse(re: r.baseAddress!, im: i.baseAddress!, output: b.baseAddress!, workspace: ws)
                    }
                }
            }
            let roundTrip = zip(back, x).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(roundTrip, 1e-14, "inverse, n = \(n): \(roundTrip)")

            // Autocorrelation: circular sum.
            var ac = [Double](repeating: 0, count: n)
            x.withUnsafeBufferPointer { xp in
                ac.withUnsafeMutableBufferPointer { a in fft.autocorrelate(xp.baseAddress!, output: a.baseAddress!, workspace: ws) }
            }
            var acWorst = 0.0
            for lag in 0..<n {
                var s = 0.0
                for j in 0..<n { s += x[j] * x[(j + lag) % n] }
                acWorst = max(acWorst, abs(s - ac[lag]))
            }
            XCTAssertLessThan(acWorst, 1e-12 * Double(n), "autocorrelation, n = \(n): \(acWorst)")
        }
    }

    // MARK: Sinc interpolation and Brent

    /// Praat's formula term by term (reference 1.6), as an independent check of the optimised sum.
    func referenceSinc(_ y: [Double], _ x: Double, _ maxDepth: Int) -> Double {
        let n = y.count
        let midleft = Int(floor(x)), midright = midleft + 1
        var depth = min(maxDepth, midright - 1, n - midleft)
        if depth < 3 { depth = 3 }   // the tests below only use deep interpolations
        let left = midright - depth, right = midleft + depth
        var sum = 0.0
        for k in left...right {
            let u = Double.pi * (x - Double(k))
            let side = k <= midleft ? x - Double(left) + 1 : Double(right) - x + 1
            sum += y[k - 1] * sin(u) / u * (0.5 + 0.5 * cos(u / side))
        }
        return sum
    }

    func testSincInterpolationMatchesTheFormula() {
        let y: [Double] = (1...200).map { (k: Int) -> Double in
            let v = Double(k)
            return sin(0.21 * v) + 0.3 * cos(0.05 * v * v / 40)
        }
        var worst = 0.0
        y.withUnsafeBufferPointer { p in
            for depth in [30, 70, 700] {
                for x in stride(from: 1.3, to: 199.9, by: 0.77) {
                    let v = PraatSinc.interpolate(p.baseAddress!, count: y.count, x: x, maxDepth: depth)
                    let midleft = Int(floor(x))
                    if min(depth, midleft, y.count - midleft) < 3 { continue }
                    worst = max(worst, abs(v - referenceSinc(y, x, depth)))
                }
            }
            // Simple cases: integer positions, outside the range.
            XCTAssertEqual(PraatSinc.interpolate(p.baseAddress!, count: y.count, x: 17, maxDepth: 70), y[16])
            XCTAssertEqual(PraatSinc.interpolate(p.baseAddress!, count: y.count, x: 0.5, maxDepth: 70), y[0])
            XCTAssertEqual(PraatSinc.interpolate(p.baseAddress!, count: y.count, x: 200.5, maxDepth: 70), y[199])
            // Depth 1 near an edge is linear interpolation.
            XCTAssertEqual(PraatSinc.interpolate(p.baseAddress!, count: y.count, x: 1.25, maxDepth: 70),
                           y[0] + 0.25 * (y[1] - y[0]), accuracy: 1e-15)
        }
        XCTAssertLessThan(worst, 1e-12, "worst difference from the term-by-term formula: \(worst)")
    }

    func testSinCosPolynomialBranch() {
        var worst = 0.0
        for t in stride(from: -0.25, through: 0.25, by: 0.001) {
            let (s, c) = PraatSinc.sinCos(t)
            worst = max(worst, abs(s - sin(t)), abs(c - cos(t)))
        }
        XCTAssertLessThan(worst, 4e-16)
        XCTAssertEqual(PraatSinc.sinCos(2.0).0, sin(2.0))
    }

    func testBrentFindsTheMaximumOfAPeak() {
        // Brent on a smooth function with a known maximum at 3.3.
        let r = PraatSinc.minimizeBrent({ ($0 - 3.3) * ($0 - 3.3) - 1 }, 2, 4, tol: 1e-10)
        XCTAssertEqual(r.x, 3.3, accuracy: 1e-7)
        XCTAssertEqual(r.fx, -1, accuracy: 1e-12)
        // improveMaximum on a sampled cosine peak between samples.
        let y = (1...101).map { k in cos(2 * Double.pi * (Double(k) - 50.4) / 40) }
        y.withUnsafeBufferPointer { p in
            let best = PraatSinc.improveMaximum(p.baseAddress!, count: y.count, ixmid: 50, depth: 70)
            XCTAssertEqual(best.x, 50.4, accuracy: 1e-4)
            XCTAssertEqual(best.y, 1, accuracy: 1e-4)
            XCTAssertEqual(PraatSinc.improveMaximum(p.baseAddress!, count: y.count, ixmid: 1, depth: 70).x, 1)
            XCTAssertEqual(PraatSinc.improveMaximum(p.baseAddress!, count: y.count, ixmid: 101, depth: 70).x, 101)
        }
    }

    // MARK: Path finder

    func testPathFinderPrefersContinuityAndBreaksTiesToTheFirstCandidate() {
        // Three frames; the middle frame offers 100 Hz (slightly stronger) and 200 Hz next to 200 Hz frames.
        var t = PitchCandidateTable(frameCount: 3, capacity: 3)
        let frames: [[(Double, Double)]] = [
            [(0, 0), (200, 0.9)],
            [(0, 0), (100, 0.91), (200, 0.9)],
            [(0, 0), (200, 0.9)],
        ]
        for (i, cands) in frames.enumerated() {
            t.count[i] = cands.count
            t.intensity[i] = 1
            for (c, (f, s)) in cands.enumerated() { t.frequency[i * 3 + c] = f; t.strength[i * 3 + c] = s }
        }
        PitchPathFinder.run(&t, timeStep: 0.01, ceiling: 600, parameters: .praatDefaults)
        XCTAssertEqual([t.frequency[0], t.frequency[3], t.frequency[6]], [200, 200, 200])
        XCTAssertEqual(t.frequency[3 + 2], 0, "the winner's old slot receives the unvoiced candidate")
        XCTAssertEqual(t.frequency[3 + 1], 100, "other candidates stay where they were")

        // A tie between two identical candidates in frame 0: the lower-numbered one is on the path.
        var tie = PitchCandidateTable(frameCount: 2, capacity: 3)
        tie.count = [3, 2]
        tie.intensity = [1, 1]
        tie.frequency = [0, 200, 200, 0, 200, 0]
        tie.strength = [0, 0.9, 0.9, 0, 0.9, 0]
        PitchPathFinder.run(&tie, timeStep: 0.01, ceiling: 600, parameters: .praatDefaults)
        XCTAssertEqual(Array(tie.frequency[0..<3]), [200, 0, 200], "slot 1 (not 2) was swapped to the front")

        // Silence (intensity 0) makes the unvoiced candidate win: 0.45 + 2 > any strength.
        var u = PitchCandidateTable(frameCount: 1, capacity: 2)
        u.count[0] = 2
        u.frequency[1] = 150; u.strength[1] = 0.95
        PitchPathFinder.run(&u, timeStep: 0.01, ceiling: 600, parameters: .praatDefaults)
        XCTAssertEqual(u.frequency[0], 0)
    }

    // MARK: Pulses

    func testPulseListInsertionRule() {
        var list = PulseList()
        for t in [0.5, 0.7, 0.7, 0.2, 0.6, 0.2, 0.1] { list.add(t) }
        // 0.7 again is appended (>= last); an earlier duplicate 0.2 is not inserted twice.
        XCTAssertEqual(list.times, [0.1, 0.2, 0.5, 0.6, 0.7, 0.7])
    }

    func testPitchValueInterpolation() {
        let axis = PraatTimeAxis(xmin: 0, xmax: 0.05, count: 4, dx: 0.01, x1: 0.01)
        func frame(_ f: Double) -> PitchFrame {
            PitchFrame(time: 0, intensity: 1, candidates: [PitchCandidate(frequency: f, strength: 0.9)])
        }
        let track = PitchTrack(axis: axis, ceiling: 600, frames: [frame(100), frame(200), frame(0), frame(700)])
        XCTAssertEqual(track.f0, [100, 200, 0, 0], "700 Hz is above the ceiling: unvoiced")
        XCTAssertEqual(track.value(at: 0.015)!, 150, accuracy: 1e-12)
        XCTAssertEqual(track.value(at: 0.0125)!, 125, accuracy: 1e-12)
        XCTAssertEqual(track.value(at: 0.022)!, 200, "neighbour unvoiced: nearest value")
        XCTAssertNil(track.value(at: 0.027), "nearest frame unvoiced")
        XCTAssertEqual(track.value(at: 0.007)!, 100, "within half a frame before the first: its value")
        XCTAssertNil(track.value(at: 0.004), "nearest frame index 0 does not exist")
        XCTAssertNil(track.value(at: -0.001), "outside the domain")
        XCTAssertNil(track.value(at: 0.051))
    }

    func testVoicedIntervalSearch() {
        let axis = PraatTimeAxis(xmin: 0, xmax: 0.06, count: 5, dx: 0.01, x1: 0.01)
        let fs: [Double] = [0, 100, 110, 0, 120]
        let track = PitchTrack(axis: axis, ceiling: 600, frames: fs.map {
            PitchFrame(time: 0, intensity: 1, candidates: [PitchCandidate(frequency: $0, strength: 0.9)])
        })
        let first = PraatPulses.voicedInterval(after: 0, in: track)
        XCTAssertEqual(first?.0 ?? -1, 0.015, accuracy: 1e-15)
        XCTAssertEqual(first?.1 ?? -1, 0.035, accuracy: 1e-15)
        let second = PraatPulses.voicedInterval(after: 0.035, in: track)
        XCTAssertEqual(second?.0 ?? -1, 0.045, accuracy: 1e-15)
        XCTAssertEqual(second?.1 ?? -1, 0.055, accuracy: 1e-15)
        XCTAssertNil(PraatPulses.voicedInterval(after: 0.055, in: track))
    }

    func testFindExtremumParabolicVertex() {
        // y = -(i - 5.3)^2 sampled at i = 1...10 (1-based); the vertex is exact for a parabola.
        let x = (1...10).map { -pow(Double($0) - 5.3, 2) + 10 }
        let axis = PraatTimeAxis.sound(sampleCount: 10, sampleRate: 1000)
        x.withUnsafeBufferPointer { p in
            let s = PulseSearch(x: p.baseAddress!, axis: axis)
            let t = s.findExtremum(axis.time(ofIndex: 2), axis.time(ofIndex: 9), includeMaxima: true, includeMinima: true)
            XCTAssertEqual(t, axis.time(ofIndex: 1) + 4.3 * axis.dx, accuracy: 1e-12)
        }
    }

    // MARK: Pitch-pulse signal (paper Eq. 2)

    func testPulseTimeToSampleRounding() {
        let fs = 16000.0
        // Sample n (0-based) sits at (n + 0.5) / fs.
        for n in [0, 1, 7, 15999] {
            XCTAssertEqual(PitchPulseSignal.sampleIndex(time: (Double(n) + 0.5) / fs, sampleRate: fs), n)
            XCTAssertEqual(PitchPulseSignal.sampleIndex(time: (Double(n) + 0.9) / fs, sampleRate: fs), n)
            XCTAssertEqual(PitchPulseSignal.sampleIndex(time: (Double(n) + 0.1) / fs, sampleRate: fs), n)
        }
        XCTAssertEqual(PitchPulseSignal.sampleIndex(time: 10.0 / fs, sampleRate: fs), 10, "tie goes to the later sample")
        XCTAssertEqual(PitchPulseSignal.sampleIndex(time: 10.01 / fs, sampleRate: fs), 10)
        XCTAssertEqual(PitchPulseSignal.sampleIndex(time: 9.99 / fs, sampleRate: fs), 9, "not round(t * fs)")
    }

    func testPitchPulseSignalPlacesSampleValues() {
        let x: [Float] = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8]
        let fs = 8.0
        let pulses = [1.6 / fs, 4.5 / fs, 4.6 / fs, 7.9 / fs, 8.7 / fs, -0.4 / fs, .nan]
        let y = PitchPulseSignal.make(samples: x, sampleRate: fs, pulseTimes: pulses)
        XCTAssertEqual(y, [0, -0.2, 0, 0, 0.5, 0, 0, -0.8])
        let yd = PitchPulseSignal.make(samples: x.map(Double.init), sampleRate: fs, pulseTimes: pulses)
        XCTAssertEqual(yd, y.map(Double.init))
        XCTAssertEqual(PitchPulseSignal.make(samples: x, sampleRate: 0, pulseTimes: pulses), [Float](repeating: 0, count: 8))
    }

    // MARK: Errors

    func testBadInputThrowsTypedErrors() {
        XCTAssertThrowsError(try PraatPitch.compute(samples: [Double](repeating: 0.1, count: 100), sampleRate: 16000)) {
            guard case PitchError.soundTooShort = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue("\($0)".contains("pitch floor"), "\($0)")
        }
        XCTAssertThrowsError(try PraatPitch.compute(samples: [Double](), sampleRate: 16000))
        XCTAssertThrowsError(try PraatPitch.compute(samples: [0.1, 0.2], sampleRate: 0)) {
            guard case PitchError.invalidSampleRate = $0 else { return XCTFail("\($0)") }
        }
        var x = [Double](repeating: 0.1, count: 16000)
        x[123] = .nan
        XCTAssertThrowsError(try PraatPitch.compute(samples: x, sampleRate: 16000)) {
            XCTAssertEqual($0 as? PitchError, .nonFiniteSample(index: 123))
        }
        for bad in [PraatPitchParameters(pitchFloor: 0), PraatPitchParameters(maximumNumberOfCandidates: 1),
                    PraatPitchParameters(pitchFloor: 200, pitchCeiling: 100), PraatPitchParameters(timeStep: -1),
                    PraatPitchParameters(voicingThreshold: .nan)] {
            XCTAssertThrowsError(try bad.validate(), "\(bad)") {
                guard case PitchError.invalidParameter = $0 else { return XCTFail("\($0)") }
            }
        }
        let sine = (0..<16000).map { sin(2 * Double.pi * 150 * Double($0) / 16000) }
        let track = try? PraatPitch.compute(samples: sine, sampleRate: 16000)
        XCTAssertNotNil(track)
        if let track {
            XCTAssertThrowsError(try PraatPulses.compute(samples: Array(sine.prefix(8000)), sampleRate: 16000, pitch: track)) {
                guard case PitchError.mismatchedPitch = $0 else { return XCTFail("\($0)") }
            }
        }
    }

    func testBenchmarkSectionRuns() {
        let result = PitchPulseBenchmark().run(timer: BenchmarkTimer(warmups: 0, iterations: 1), progress: { _ in })
        XCTAssertEqual(result.section, "pulses")
        XCTAssertEqual(result.measurements.map(\.name), ["pitch_3s_16k", "pitch+pulses_3s_16k"])
        for m in result.measurements {
            XCTAssertEqual(m.unit, "s/h audio")
            XCTAssertEqual(m.workPerCall, 3)
            XCTAssertEqual(m.value, m.timing.medianSeconds / 3 * 3600, accuracy: 1e-12)
        }
        // The test signal is speech-like: mostly voiced, with unvoiced gaps, and pulses.
        let x = PitchPulseBenchmark.speechLikeSignal(seconds: 3, sampleRate: 16000, seed: 1)
        XCTAssertEqual(x.count, 48000)
        if let track = try? PraatPitch.compute(samples: x, sampleRate: 16000) {
            let voiced = track.voiced.filter { $0 }.count
            XCTAssertGreaterThan(voiced, track.count / 2)
            XCTAssertLessThan(voiced, track.count)
        } else {
            XCTFail("pitch analysis of the benchmark signal failed")
        }
    }

    func testPureToneIsVoicedAtItsFrequency() throws {
        let sine = (0..<16000).map { 0.5 * sin(2 * Double.pi * 150 * (Double($0) + 0.5) / 16000) }
        let track = try PraatPitch.compute(samples: sine, sampleRate: 16000)
        XCTAssertEqual(track.count, 97)   // floor((1 - 0.04) / 0.01) + 1
        for f in track.f0 { XCTAssertEqual(f, 150, accuracy: 0.01) }
        let pulses = try PraatPulses.compute(samples: sine, sampleRate: 16000, pitch: track)
        XCTAssertEqual(Double(pulses.count), 150, accuracy: 3)
        for (a, b) in zip(pulses, pulses.dropFirst()) { XCTAssertEqual(b - a, 1.0 / 150, accuracy: 1e-5) }
    }
}
