package com.booqing.whatsapp.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Bounds the tags whose values come from data rather than from code: {@code endpoint} (one value per configured
 * endpoint) and {@code code} (provider error codes, which a misbehaving provider could invent). The first
 * {@code max} distinct values of each keep their own series; later values, and values that do not look like ids,
 * become {@value #OTHER}. A gauge that would land on {@value #OTHER} is dropped instead: one gauge cannot stand for
 * many endpoints. Tenant ids are never tags at all (see docs/METRICS.md).
 */
public final class TagLimits implements MeterFilter {
    public static final String OTHER = "other";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final Map<String, Integer> limits;
    private final Map<String, Set<String>> admitted = new ConcurrentHashMap<>();

    /** @param limits tag key to the number of distinct values kept */
    public TagLimits(Map<String, Integer> limits) {
        this.limits = Map.copyOf(limits);
        this.limits.keySet().forEach(k -> admitted.put(k, ConcurrentHashMap.newKeySet()));
    }

    public static TagLimits of(MetricsSettings settings) {
        return new TagLimits(Map.of("endpoint", settings.maxEndpointTags(), "code", MetricsSettings.MAX_CODE_TAGS));
    }

    /** Micrometer calls this once per new meter id, not on every increment (it caches the mapped id). */
    @Override
    public Meter.Id map(Meter.Id id) {
        List<Tag> tags = null;
        for (Map.Entry<String, Integer> limit : limits.entrySet()) {
            String value = id.getTag(limit.getKey());
            if (value == null || admit(limit.getKey(), value, limit.getValue())) {
                continue;
            }
            if (tags == null) {
                tags = new ArrayList<>(id.getTags());
            }
            tags.replaceAll(t -> t.getKey().equals(limit.getKey()) ? Tag.of(t.getKey(), OTHER) : t);
        }
        return tags == null ? id : id.replaceTags(tags);
    }

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        if (id.getType() == Meter.Type.GAUGE) {
            for (String key : limits.keySet()) {
                if (OTHER.equals(id.getTag(key))) {
                    return MeterFilterReply.DENY;
                }
            }
        }
        return MeterFilterReply.NEUTRAL;
    }

    private boolean admit(String key, String value, int max) {
        if (OTHER.equals(value) || !SAFE.matcher(value).matches()) {
            return false;
        }
        Set<String> seen = admitted.get(key);
        if (seen.contains(value)) {
            return true;
        }
        if (seen.size() >= max) {
            return false;
        }
        // Two threads may both pass the size check: the bound is then exceeded by a value or two, harmlessly.
        seen.add(value);
        return true;
    }
}
