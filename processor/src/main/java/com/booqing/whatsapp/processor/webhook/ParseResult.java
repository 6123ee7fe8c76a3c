package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.event.Envelope;

import java.util.List;

/**
 * What a parser made of one webhook: the events it could read, the LID-to-phone links it saw, and what it could
 * not read. A webhook with problems is dead-lettered whole (original bytes) even when some of its events were
 * emitted; a redrive re-emits those under the same event ids, which the dedup store drops.
 *
 * @param problems short, secret-free descriptions, e.g. "entry[0].changes[0].value.messages[1]: missing id"
 * @param links    LID-to-phone links, recorded before the events are resolved against them
 */
public record ParseResult(List<Envelope> events, List<String> problems, List<LidLink> links) {

    public ParseResult {
        events = List.copyOf(events);
        problems = List.copyOf(problems);
        links = List.copyOf(links);
    }

    public ParseResult(List<Envelope> events, List<String> problems) {
        this(events, problems, List.of());
    }

    public static ParseResult rejected(String problem) {
        return new ParseResult(List.of(), List.of(problem));
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** One line for the dead-letter reason header. */
    public String problemSummary() {
        String joined = String.join("; ", problems);
        return events.isEmpty() ? joined : events.size() + " event(s) emitted; not understood: " + joined;
    }
}
