package com.booqing.whatsapp.testkit.canary;

import java.io.IOException;
import java.io.InputStream;
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
 *
 * <p>The automaton's rows cover only the bytes that occur in some pattern (every other byte leads back to the
 * start), so that the hundreds of canaries of a whole test JVM fit in a few megabytes; a suite-wide audit may also
 * cap each pattern at a prefix ({@link #CanaryScanner(List, int)}), which a random secret's encodings keep unique.
 */
public final class CanaryScanner {

    /** A canary found: where, which secret, in which encoding, and a masked neighbourhood. */
    public record Hit(String source, String item, String canary, String encoding, long offset, String context) {
        @Override
        public String toString() {
            return source + " | " + item + " | " + canary + " (" + encoding + ") at " + offset + " | " + context;
        }
    }

    /** What one source amounted to. */
    public static final class Tally {
        long items;
        long bytes;
        long hits;

        public long items() {
            return items;
        }

        public long bytes() {
            return bytes;
        }

        public long hits() {
            return hits;
        }
    }

    /** @param length bytes searched; @param shown bytes masked in a hit's neighbourhood (the uncut pattern) */
    private record Pattern(Canary canary, String encoding, int length, int shown) {
    }

    private final int[] classOf = new int[256]; // byte -> column; 0 = a byte no pattern contains
    private final int[][] next;                 // goto function completed into a DFA, over the columns
    private final List<Pattern[]> out;
    private final List<Hit> hits = new ArrayList<>();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final int patterns;

    public CanaryScanner(List<Canary> canaries) {
        this(canaries, Integer.MAX_VALUE);
    }

    /** @param maxPatternBytes each pattern is cut to this many bytes (at least 12) */
    public CanaryScanner(List<Canary> canaries, int maxPatternBytes) {
        if (maxPatternBytes < 12) {
            throw new IllegalArgumentException("patterns shorter than 12 bytes would match by chance");
        }
        List<Map.Entry<Canary, Map.Entry<String, byte[]>>> all = new ArrayList<>();
        Map<Map.Entry<Canary, String>, Integer> uncut = new java.util.HashMap<>();
        int columns = 1;
        for (Canary c : canaries) {
            for (Map.Entry<String, byte[]> p : c.patterns().entrySet()) {
                byte[] bytes = p.getValue().length > maxPatternBytes
                        ? Arrays.copyOf(p.getValue(), maxPatternBytes) : p.getValue();
                all.add(Map.entry(c, Map.entry(p.getKey(), bytes)));
                uncut.put(Map.entry(c, p.getKey()), p.getValue().length);
                for (byte b : bytes) {
                    if (classOf[b & 0xff] == 0) {
                        classOf[b & 0xff] = columns++;
                    }
                }
            }
        }
        patterns = all.size();
        final int width = columns;
        List<int[]> gotoTable = new ArrayList<>();
        List<List<Pattern>> outputs = new ArrayList<>();
        gotoTable.add(newState(width));
        outputs.add(new ArrayList<>());
        for (Map.Entry<Canary, Map.Entry<String, byte[]>> e : all) {
            int state = 0;
            for (byte b : e.getValue().getValue()) {
                int i = classOf[b & 0xff];
                if (gotoTable.get(state)[i] < 0) {
                    gotoTable.get(state)[i] = gotoTable.size();
                    gotoTable.add(newState(width));
                    outputs.add(new ArrayList<>());
                }
                state = gotoTable.get(state)[i];
            }
            outputs.get(state).add(new Pattern(e.getKey(), e.getValue().getKey(), e.getValue().getValue().length,
                    uncut.get(Map.entry(e.getKey(), e.getValue().getKey()))));
        }
        int[] fail = new int[gotoTable.size()];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < width; i++) {
            int s = gotoTable.get(0)[i];
            if (s < 0) {
                gotoTable.get(0)[i] = 0;
            } else {
                fail[s] = 0;
                queue.add(s);
            }
        }
        // column 0 (a byte of no pattern) always leads back to the start
        gotoTable.get(0)[0] = 0;
        while (!queue.isEmpty()) {
            int r = queue.poll();
            for (int i = 0; i < width; i++) {
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
        out = new ArrayList<>(outputs.size());
        for (List<Pattern> o : outputs) {
            out.add(o.isEmpty() ? null : o.toArray(Pattern[]::new));
        }
    }

    private static int[] newState(int width) {
        int[] s = new int[width];
        Arrays.fill(s, -1);
        return s;
    }

    /** How many patterns (canaries times encodings) are searched. */
    public int patterns() {
        return patterns;
    }

    /** How many automaton states the patterns took. */
    public int states() {
        return next.length;
    }

    /** Scans {@code data}; hits of canaries named in {@code allowed} are shown by design there and not counted. */
    public List<Hit> scan(String source, String item, byte[] data, Set<String> allowed) {
        Tally t = tallies.computeIfAbsent(source, s -> new Tally());
        t.items++;
        t.bytes += data.length;
        List<Hit> found = new ArrayList<>();
        int state = 0;
        for (int i = 0; i < data.length; i++) {
            state = next[state][classOf[data[i] & 0xff]];
            if (out.get(state) != null) {
                for (Pattern p : out.get(state)) {
                    if (!allowed.contains(p.canary().name())) {
                        found.add(new Hit(source, item, p.canary().name(), p.encoding(), i - p.length() + 1,
                                context(data, i - p.length() + 1, p.shown())));
                    }
                }
            }
        }
        t.hits += found.size();
        hits.addAll(found);
        return found;
    }

    public List<Hit> scan(String source, String item, byte[] data) {
        return scan(source, item, data, Set.of());
    }

    /**
     * Scans a stream of lines (a log file) without holding it: the count of items is the count of lines. A
     * hit's neighbourhood is cut at the edges of the block it was read in.
     */
    public List<Hit> scanLines(String source, String item, InputStream in) throws IOException {
        Tally t = tallies.computeIfAbsent(source, s -> new Tally());
        List<Hit> found = new ArrayList<>();
        byte[] block = new byte[1 << 20];
        int state = 0;
        long offset = 0;
        long lines = 0;
        byte last = '\n';
        for (int n; (n = in.readNBytes(block, 0, block.length)) > 0; offset += n) {
            for (int i = 0; i < n; i++) {
                byte b = block[i];
                if (b == '\n') {
                    lines++;
                }
                state = next[state][classOf[b & 0xff]];
                if (out.get(state) != null) {
                    for (Pattern p : out.get(state)) {
                        int start = i - p.length() + 1;
                        found.add(new Hit(source, item + " line " + (lines + 1), p.canary().name(), p.encoding(),
                                offset + start, start < 0 ? "<canary across a block edge>"
                                : context(Arrays.copyOf(block, n), start, p.shown())));
                    }
                }
            }
            last = block[n - 1];
            t.bytes += n;
        }
        t.items += lines + (last == '\n' ? 0 : 1);
        t.hits += found.size();
        hits.addAll(found);
        return found;
    }

    /** Counts a source that was searched but held nothing (so that it shows in the table). */
    public void touch(String source) {
        tallies.computeIfAbsent(source, s -> new Tally());
    }

    public List<Hit> hits() {
        return List.copyOf(hits);
    }

    public Map<String, Tally> tallies() {
        return tallies;
    }

    /** Up to 60 printable bytes either side of a hit, with the hit itself replaced by its length. */
    private static String context(byte[] data, int start, int length) {
        length = Math.min(length, data.length - start);
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
