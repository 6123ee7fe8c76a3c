package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.MessageContent;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** CAPABILITIES.md and the adapters' declared capabilities say the same, for every kind of message there is. */
class CapabilityMatrixTest {
    private static final List<ProviderType> COLUMNS = List.of(ProviderType.CLOUD_API, ProviderType.WAHA,
            ProviderType.EVOLUTION);

    private final ProviderClient http = CloudApiAdapter.httpClient(Duration.ofSeconds(1));
    private final Map<ProviderType, ProviderAdapter> adapters = Map.of(
            ProviderType.CLOUD_API, new CloudApiAdapter(http),
            ProviderType.WAHA, new WahaAdapter(http),
            ProviderType.EVOLUTION, new EvolutionAdapter(http));

    @Test
    void documentedMatrixMatchesTheAdapters() throws IOException {
        Map<String, List<String>> rows = table(Files.readAllLines(Path.of("CAPABILITIES.md")));
        Set<String> kinds = Arrays.stream(MessageContent.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::name).collect(Collectors.toSet());

        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(kinds);
        rows.forEach((kind, cells) -> {
            for (int i = 0; i < COLUMNS.size(); i++) {
                boolean documented = cells.get(i).startsWith("yes");
                assertThat(cells.get(i)).as("%s / %s", kind, COLUMNS.get(i)).matches("(yes|no)\\b.*");
                assertThat(adapters.get(COLUMNS.get(i)).capabilities().contains(kind))
                        .as("%s can send %s", COLUMNS.get(i), kind).isEqualTo(documented);
            }
        });
    }

    @Test
    void everyRefusalHasAReason() {
        for (ProviderAdapter adapter : adapters.values()) {
            for (String kind : List.of("sticker", "template", "buttons", "poll_vote")) {
                if (!adapter.capabilities().contains(kind)) {
                    assertThat(adapter.unsupportedReason(kind)).as("%s %s", adapter.provider(), kind).isNotBlank();
                }
            }
        }
    }

    private static Map<String, List<String>> table(List<String> lines) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : lines) {
            if (!line.startsWith("| ") || line.startsWith("| kind ")) {
                continue;
            }
            List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|"))
                    .map(String::trim).toList();
            rows.put(cells.get(0), cells.subList(1, cells.size()));
        }
        return rows;
    }
}
