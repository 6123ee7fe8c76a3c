package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectionScriptTest {

    @Test
    void passesTheStatusRulesOfMessageStatusToTheScript() throws Exception {
        JsonNode moves = Json.strict().readTree(ProjectionScript.transitions());

        for (MessageStatus from : MessageStatus.values()) {
            for (MessageStatus to : MessageStatus.values()) {
                assertThat(moves.path(from.wireName()).path(to.wireName()).asBoolean(false))
                        .as("%s -> %s", from, to).isEqualTo(from.canMoveTo(to));
            }
        }
    }
}
