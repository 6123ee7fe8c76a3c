package com.booqing.whatsapp.processor.webhook.waha;

import com.booqing.whatsapp.processor.webhook.ParserContract;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link WahaParser} on arbitrary bytes, starting from the waha fixtures (the regression inputs beside this
 * class are those fixtures plus what fuzzing found worth keeping). The parser's contract for any body is
 * {@link ParserContract}: events or problems, never an exception. docs/FUZZING.md.
 */
class WahaParserFuzzTest {
    private final WahaParser parser = new WahaParser();

    @DictionaryFile(resourcePath = "waha.dict")
    @FuzzTest(maxDuration = "60s")
    void readsAnyBodyAsEventsOrProblemsNeverAnException(byte[] body) {
        ParserContract.holds(parser, body);
    }
}
