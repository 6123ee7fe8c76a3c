package com.booqing.whatsapp.ops;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * What every subcommand works with: the settings, where results go ({@code out}), where progress and errors go
 * ({@code err}), and the clocks (injected so tests can run the tool in-process).
 */
public record OpsContext(OpsSettings settings, PrintWriter out, PrintWriter err, Clock clock, LongSupplier nanoTime) {
}
