package com.booqing.whatsapp.processor.webhook.cloudapi;

import com.booqing.whatsapp.processor.webhook.ParserContract;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link CloudApiParser} on arbitrary bytes, starting from the cloud-api fixtures (the regression inputs beside this
 * class are those fixtures plus what fuzzing found worth keeping). The parser's contract for any body is
 * {@link ParserContract}: events or problems, never an exception. docs/FUZZING.md.
 */
class CloudApiParserFuzzTest {
    private final CloudApiParser parser = new CloudApiParser();

    @DictionaryFile(resourcePath = "cloud-api.dict")
    @FuzzTest(maxDuration = "60s")
    void readsAnyBodyAsEventsOrProblemsNeverAnException(byte[] body) {
        ParserContract.holds(parser, body);
    }
}
