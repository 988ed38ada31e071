/// Praat's `Pitch_pathFinder` (reference section 1.7): a Viterbi search for the best path through the
/// candidates of all frames, maximising local strengths minus transition costs.
///
/// - Local score of a candidate: voiced (`0 < f < ceiling`): `strength - octaveCost * log2(ceiling / f)`;
///   unvoiced: `voicingThreshold + max(0, 2 - intensity / (silenceThreshold / (1 + voicingThreshold)))`
///   (just `voicingThreshold` when `silenceThreshold <= 0`).
/// - Transition: unvoiced-unvoiced 0; voiced-unvoiced either way `voicedUnvoicedCost * 0.01 / dt`;
///   voiced-voiced `octaveJumpCost * 0.01 / dt * |log2(f1 / f2)|`.
/// - Ties keep the lowest-numbered previous candidate; the final frame's first maximum wins.
/// Cost: `frames x candidates^2` (about 70 000 steps for a 3 s utterance with the defaults).
enum PitchPathFinder {
    /// Finds the best path and swaps each frame's winning candidate into slot 0 (as Praat swaps it into
    /// candidate 1). `timeStep` is the frame spacing in seconds, `ceiling` the (Nyquist-clipped) ceiling.
    static func run(_ table: inout PitchCandidateTable, timeStep: Double, ceiling: Double,
                    parameters p: PraatPitchParameters) {
        let nFrames = table.frameCount
        guard nFrames > 0 else { return }
        let cap = table.capacity
        let timeStepCorrection = 0.01 / timeStep
        let octaveJumpCost = p.octaveJumpCost * timeStepCorrection
        let voicedUnvoicedCost = p.voicedUnvoicedCost * timeStepCorrection
        let silenceThreshold = p.silenceThreshold, voicingThreshold = p.voicingThreshold
        let octaveCost = p.octaveCost
        let freq = table.frequency, count = table.count

        @inline(__always) func voiceless(_ f: Double) -> Bool { !(f > 0.0 && f < ceiling) }

        // delta and psi share the candidate table's layout (frame * cap + candidate).
        var delta = [Double](repeating: 0, count: nFrames * cap)
        var psi = [Int](repeating: 0, count: nFrames * cap)
        for iframe in 0..<nFrames {
            var unvoicedStrength = silenceThreshold <= 0 ? 0
                : 2 - table.intensity[iframe] / (silenceThreshold / (1 + voicingThreshold))
            unvoicedStrength = voicingThreshold + (unvoicedStrength > 0 ? unvoicedStrength : 0)
            for c in 0..<count[iframe] {
                let f = freq[iframe * cap + c]
                delta[iframe * cap + c] = voiceless(f) ? unvoicedStrength
                    : table.strength[iframe * cap + c] - octaveCost * PraatSinc.log2(ceiling / f)
            }
        }

        for iframe in 1..<max(nFrames, 1) {
            let prev = (iframe - 1) * cap, cur = iframe * cap
            for c2 in 0..<count[iframe] {
                let f2 = freq[cur + c2]
                let currentVoiceless = voiceless(f2)
                var maximum = -1e30
                var place = 0
                for c1 in 0..<count[iframe - 1] {
                    let f1 = freq[prev + c1]
                    let transitionCost: Double
                    if currentVoiceless {
                        transitionCost = voiceless(f1) ? 0 : voicedUnvoicedCost
                    } else if voiceless(f1) {
                        transitionCost = voicedUnvoicedCost
                    } else {
                        transitionCost = octaveJumpCost * abs(PraatSinc.log2(f1 / f2))
                    }
                    let value = delta[prev + c1] - transitionCost + delta[cur + c2]
                    if value > maximum {
                        maximum = value
                        place = c1
                    }
                }
                delta[cur + c2] = maximum
                psi[cur + c2] = place
            }
        }

        // End of the best path, then backtrack, swapping each winner into slot 0.
        let last = (nFrames - 1) * cap
        var place = 0
        var maximum = delta[last]
        for c in 1..<max(count[nFrames - 1], 1) where delta[last + c] > maximum {
            place = c
            maximum = delta[last + c]
        }
        var iframe = nFrames - 1
        while iframe >= 0 {
            let base = iframe * cap
            if place != 0 {
                table.frequency.swapAt(base, base + place)
                table.strength.swapAt(base, base + place)
            }
            place = psi[base + place]
            iframe -= 1
        }
    }
}
