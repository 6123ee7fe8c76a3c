package com.booqing.whatsapp.reliability.secrets;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds every canary pattern in byte arrays in one pass (Aho-Corasick over bytes), so that hundreds of patterns
 * cost no more than one over megabytes of logs and topic records. Keeps per-source counts for the summary table.
 */
final class CanaryScanner {

    /** A canary found: where, which secret, in which encoding, and a masked neighbourhood. */
    record Hit(String source, String item, String canary, String encoding, long offset, String context) {
        @Override
        public String toString() {
            return source + " | " + item + " | " + canary + " (" + encoding + ") at " + offset + " | " + context;
        }
    }

    /** What one source amounted to. */
    static final class Tally {
        long items;
        long bytes;
        long hits;
    }

    private record Pattern(Canary canary, String encoding, int length) {
    }

    private final int[][] next;       // goto function completed into a DFA
    private final List<List<Pattern>> out;
    private final List<Hit> hits = new ArrayList<>();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();

    CanaryScanner(List<Canary> canaries) {
        List<int[]> gotoTable = new ArrayList<>();
        List<List<Pattern>> outputs = new ArrayList<>();
        gotoTable.add(newState());
        outputs.add(new ArrayList<>());
        for (Canary c : canaries) {
            for (Map.Entry<String, byte[]> p : c.patterns().entrySet()) {
                int state = 0;
                for (byte b : p.getValue()) {
                    int i = b & 0xff;
                    if (gotoTable.get(state)[i] < 0) {
                        gotoTable.get(state)[i] = gotoTable.size();
                        gotoTable.add(newState());
                        outputs.add(new ArrayList<>());
                    }
                    state = gotoTable.get(state)[i];
                }
                outputs.get(state).add(new Pattern(c, p.getKey(), p.getValue().length));
            }
        }
        int[] fail = new int[gotoTable.size()];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < 256; i++) {
            int s = gotoTable.get(0)[i];
            if (s < 0) {
                gotoTable.get(0)[i] = 0;
            } else {
                fail[s] = 0;
                queue.add(s);
            }
        }
        while (!queue.isEmpty()) {
            int r = queue.poll();
            for (int i = 0; i < 256; i++) {
                int s = gotoTable.get(r)[i];
                if (s < 0) {
                    gotoTable.get(r)[i] = gotoTable.get(fail[r])[i];
                } else {
                    queue.add(s);
                    fail[s] = gotoTable.get(fail[r])[i];
                    outputs.get(s).addAll(outputs.get(fail[s]));
                }
            }
        }
        next = gotoTable.toArray(int[][]::new);
        out = outputs;
    }

    private static int[] newState() {
        int[] s = new int[256];
        Arrays.fill(s, -1);
        return s;
    }

    /** Scans {@code data}; hits of canaries named in {@code allowed} are shown by design there and not counted. */
    List<Hit> scan(String source, String item, byte[] data, Set<String> allowed) {
        Tally t = tallies.computeIfAbsent(source, s -> new Tally());
        t.items++;
        t.bytes += data.length;
        List<Hit> found = new ArrayList<>();
        int state = 0;
        for (int i = 0; i < data.length; i++) {
            state = next[state][data[i] & 0xff];
            for (Pattern p : out.get(state)) {
                if (!allowed.contains(p.canary().name())) {
                    found.add(new Hit(source, item, p.canary().name(), p.encoding(), i - p.length() + 1,
                            context(data, i - p.length() + 1, p.length())));
                }
            }
        }
        t.hits += found.size();
        hits.addAll(found);
        return found;
    }

    List<Hit> scan(String source, String item, byte[] data) {
        return scan(source, item, data, Set.of());
    }

    /** Counts a source that was searched but held nothing (so that it shows in the table). */
    void touch(String source) {
        tallies.computeIfAbsent(source, s -> new Tally());
    }

    List<Hit> hits() {
        return List.copyOf(hits);
    }

    Map<String, Tally> tallies() {
        return tallies;
    }

    /** Up to 60 printable bytes either side of a hit, with the hit itself replaced by its length. */
    private static String context(byte[] data, int start, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, start - 60); i < start; i++) {
            b.append(printable(data[i]));
        }
        b.append("<canary:").append(length).append('>');
        for (int i = start + length; i < Math.min(data.length, start + length + 60); i++) {
            b.append(printable(data[i]));
        }
        return b.toString();
    }

    private static char printable(byte b) {
        return b >= 0x20 && b < 0x7f ? (char) b : '.';
    }
}
