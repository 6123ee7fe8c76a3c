package com.booqing.whatsapp.bench;

import java.util.Arrays;
import java.util.List;

/** Medians of repeated rounds. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** NaN when empty; {@code values} is left as it was. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
