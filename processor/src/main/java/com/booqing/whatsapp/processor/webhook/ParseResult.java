package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.event.Envelope;

import java.util.List;

/**
 * What a parser made of one webhook: the events it could read, and what it could not. A webhook with problems
 * is dead-lettered whole (original bytes) even when some of its events were emitted; a redrive re-emits those
 * under the same event ids, which the dedup store drops.
 *
 * @param problems short, secret-free descriptions, e.g. "entry[0].changes[0].value.messages[1]: missing id"
 */
public record ParseResult(List<Envelope> events, List<String> problems) {

    public ParseResult {
        events = List.copyOf(events);
        problems = List.copyOf(problems);
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
