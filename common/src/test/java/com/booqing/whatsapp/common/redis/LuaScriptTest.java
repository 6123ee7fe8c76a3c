package com.booqing.whatsapp.common.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LuaScriptTest {

    @Test
    void isKnownByTheSha1RedisGivesItsText() {
        // What `redis-cli SCRIPT LOAD "return 1"` answers.
        assertThat(new LuaScript("return 1").sha()).isEqualTo("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    }

    @Test
    void aMissingResourceIsNamed() {
        assertThatThrownBy(() -> LuaScript.resource(LuaScriptTest.class, "absent.lua"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("absent.lua");
    }
}
