package com.booqing.whatsapp.processor.webhook.evolution;

import com.booqing.whatsapp.processor.webhook.ParserContract;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link EvolutionParser} on arbitrary bytes, starting from the evolution fixtures (the regression inputs beside this
 * class are those fixtures plus what fuzzing found worth keeping). The parser's contract for any body is
 * {@link ParserContract}: events or problems, never an exception. docs/FUZZING.md.
 */
class EvolutionParserFuzzTest {
    private final EvolutionParser parser = new EvolutionParser();

    @DictionaryFile(resourcePath = "evolution.dict")
    @FuzzTest(maxDuration = "60s")
    void readsAnyBodyAsEventsOrProblemsNeverAnException(byte[] body) {
        ParserContract.holds(parser, body);
    }
}
