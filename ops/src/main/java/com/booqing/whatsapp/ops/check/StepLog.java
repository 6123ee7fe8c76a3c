package com.booqing.whatsapp.ops.check;

import java.io.PrintWriter;
import java.util.List;

/**
 * The numbered steps of {@code test}: each prints "step n name: OK (…)" or "FAILED (…)" as it ends; after the first
 * failure the remaining steps are printed as SKIPPED, so the output always names every step.
 */
final class StepLog {
    static final List<String> STEPS = List.of("webhook in", "inbound stored", "send", "provider received",
            "receipt back");

    private final PrintWriter out;
    private int next = 1;
    private String failed;

    StepLog(PrintWriter out) {
        this.out = out;
    }

    void ok(String detail) {
        line("OK", detail);
    }

    void skipped(String detail) {
        line("SKIPPED", detail);
    }

    void failed(String detail) {
        failed = "step " + next + " " + STEPS.get(next - 1);
        line("FAILED", detail);
        while (next <= STEPS.size()) {
            line("SKIPPED", "an earlier step failed");
        }
    }

    boolean hasFailed() {
        return failed != null;
    }

    /** "step 3 send", once a step failed. */
    String failedStep() {
        return failed;
    }

    private void line(String verdict, String detail) {
        out.println("step " + next + " " + STEPS.get(next - 1) + ": " + verdict
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        out.flush();
        next++;
    }
}
