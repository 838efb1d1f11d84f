package io.offlineworkerreaper.settings;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log settings, read before anything logs: validated with the key named, handed on as system properties. */
class EarlySettingsTest {

    private static final String[] KEYS = {EarlySettings.FILE, EarlySettings.MAX_SIZE, EarlySettings.MAX_FILES,
            EarlySettings.LEVEL};
    private final Map<String, String> before = new java.util.HashMap<>();

    EarlySettingsTest() {
        for (String key : KEYS) {
            before.put(key, System.getProperty(key));
        }
    }

    @AfterEach
    void restore() {
        before.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Test
    void the_packaged_defaults_and_a_level_in_any_case_are_published() {
        EarlySettings.apply(Map.of(EarlySettings.LEVEL, "debug"));
        assertThat(System.getProperty(EarlySettings.LEVEL)).isEqualTo("DEBUG");
        assertThat(System.getProperty(EarlySettings.FILE)).isEqualTo("worker-monitor.log");
        assertThat(System.getProperty(EarlySettings.MAX_SIZE)).isEqualTo("5MB");
        assertThat(System.getProperty(EarlySettings.MAX_FILES)).isEqualTo("5");
        System.clearProperty(EarlySettings.LEVEL); // a JVM system property is one of the sources
        EarlySettings.apply(Map.of());
        assertThat(System.getProperty(EarlySettings.LEVEL)).isEqualTo("INFO");
    }

    @Test
    void a_bad_value_fails_with_its_key() {
        assertThatThrownBy(() -> EarlySettings.apply(Map.of(EarlySettings.LEVEL, "verbose")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("reaper.log.level")
                .hasMessageContaining("verbose").hasMessageContaining("TRACE, DEBUG, INFO, WARN or ERROR");
        assertThatThrownBy(() -> EarlySettings.apply(Map.of(EarlySettings.MAX_SIZE, "5 MB")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("reaper.log.max-size");
        assertThat(System.getProperty(EarlySettings.LEVEL)).isEqualTo(before.get(EarlySettings.LEVEL));
    }
}
