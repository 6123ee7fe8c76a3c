package com.booqing.whatsapp.simulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorMainTest {

    @Test
    void defaultsToPort9090AndNamesTheVariableOnBadInput() {
        assertThat(SimulatorMain.port(null)).isEqualTo(9090);
        assertThat(SimulatorMain.port(" 9191 ")).isEqualTo(9191);
        assertThatThrownBy(() -> SimulatorMain.port("abc")).hasMessageContaining("SIMULATOR_PORT");
        assertThatThrownBy(() -> SimulatorMain.port("70000")).hasMessageContaining("SIMULATOR_PORT");
    }
}
