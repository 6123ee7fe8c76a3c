package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.endpoint.Endpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Smooth weighted round-robin (the nginx algorithm): each pick adds every endpoint's weight to its current score,
 * takes the highest score (the first on a tie) and subtracts the total weight from it. Over any run of
 * {@code sum(weights)} picks each endpoint is chosen exactly {@code weight} times, spread out rather than in bursts,
 * and deterministically, so tests can assert the spread. State is kept per group of endpoints; a group whose
 * membership changes starts afresh.
 */
public final class SmoothWeightedRoundRobin {
    private final Map<String, Map<String, Long>> scoresByGroup = new HashMap<>();

    /** @param candidates non-empty, in a stable order (ties go to the earlier one) */
    public synchronized Endpoint pick(String scope, List<Endpoint> candidates) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        String group = scope + "|" + candidates.stream().map(Endpoint::id).sorted().collect(Collectors.joining(","));
        Map<String, Long> scores = scoresByGroup.computeIfAbsent(group, g -> new HashMap<>());
        long total = 0;
        Endpoint best = null;
        long bestScore = Long.MIN_VALUE;
        for (Endpoint e : candidates) {
            long score = scores.getOrDefault(e.id(), 0L) + e.weight();
            scores.put(e.id(), score);
            total += e.weight();
            if (score > bestScore) {
                best = e;
                bestScore = score;
            }
        }
        scores.put(best.id(), bestScore - total);
        return best;
    }
}
