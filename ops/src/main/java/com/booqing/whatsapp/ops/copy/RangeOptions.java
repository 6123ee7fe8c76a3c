package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.ops.BadArgumentsException;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The range options replay and redrive share: a time range or offsets per partition. */
public final class RangeOptions {
    private static final Pattern OFFSETS = Pattern.compile("(\\d{1,5}):(\\d{1,19})-(\\d{1,19})?");

    @Option(names = "--from", paramLabel = "TIME",
            description = "first record time: ISO-8601 with zone (2026-01-05T10:00:00Z), 'now', or an age (90m, 2h, 3d)")
    String from;

    @Option(names = "--to", paramLabel = "TIME",
            description = "end of the range (exclusive), same forms as --from; default: when the command starts")
    String to;

    @Option(names = "--offsets", paramLabel = "P:FROM-TO", split = ",",
            description = "offsets per partition instead of times, FROM inclusive, TO exclusive; "
                    + "TO left out = the partition's end (e.g. 0:120-180,3:40-)")
    List<String> offsets;

    /**
     * @param everythingByDefault with neither times nor offsets: every retained record (true) or a refusal (false)
     */
    public RangeSpec spec(Instant now, boolean everythingByDefault) {
        boolean times = from != null || to != null;
        boolean byOffsets = offsets != null && !offsets.isEmpty();
        if (times && byOffsets) {
            throw new BadArgumentsException("give a time range (--from/--to) or --offsets, not both");
        }
        if (byOffsets) {
            return offsets(offsets);
        }
        if (!times) {
            if (everythingByDefault) {
                return new RangeSpec.Everything();
            }
            throw new BadArgumentsException("say which records: --from TIME [--to TIME], or --offsets P:FROM-TO");
        }
        if (from == null) {
            throw new BadArgumentsException("--to needs --from");
        }
        Instant start = Times.instant("--from", from, now);
        Instant end = to == null ? null : Times.instant("--to", to, now);
        if (start.isAfter(now)) {
            throw new BadArgumentsException("--from " + start + " is in the future (it is now " + now
                    + "): nothing to take from there yet");
        }
        if (end != null && end.isAfter(now)) {
            throw new BadArgumentsException("--to " + end + " is in the future (it is now " + now
                    + "); leave --to out to go up to now");
        }
        if (end != null && !start.isBefore(end)) {
            throw new BadArgumentsException("--from " + start + " must be before --to " + end);
        }
        return new RangeSpec.TimeRange(start, end);
    }

    static RangeSpec.Offsets offsets(List<String> specs) {
        Map<Integer, RangeSpec.OffsetRange> ranges = new LinkedHashMap<>();
        for (String raw : specs) {
            Matcher m = OFFSETS.matcher(raw.strip());
            if (!m.matches()) {
                throw new BadArgumentsException("--offsets '" + raw + "' is not PARTITION:FROM-TO (e.g. 0:120-180, "
                        + "or 0:120- up to the end)");
            }
            int partition = Integer.parseInt(m.group(1));
            long start = Long.parseLong(m.group(2));
            Long end = m.group(3) == null ? null : Long.parseLong(m.group(3));
            if (end != null && end <= start) {
                throw new BadArgumentsException("--offsets " + raw + ": TO must be greater than FROM (TO is exclusive)");
            }
            if (ranges.put(partition, new RangeSpec.OffsetRange(start, end)) != null) {
                throw new BadArgumentsException("--offsets names partition " + partition + " twice");
            }
        }
        return new RangeSpec.Offsets(ranges);
    }
}
