package com.booqing.whatsapp.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;

/** Runs the tool in-process, as OpsMain would, and keeps what it printed. */
public final class Cli {
    /** @param out stdout (results, summaries); err stderr (progress, refusals) */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    public static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OpsCommand.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(),
                System::nanoTime, args);
        Result result = new Result(code, out.toString(), err.toString());
        // In the test's output file, so a failed assertion can be read next to what the tool printed.
        System.out.println("whatsapp-ops " + String.join(" ", args) + "\n" + result);
        return result;
    }
}
