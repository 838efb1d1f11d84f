package io.offlineworkerreaper.kubernetes;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {

    private static final Map<String, String> WORKER = Map.of("pool", "cache", "zone", "a",
            "node-role.kubernetes.io/worker", "");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'' | true",
            "node-role.kubernetes.io/worker= | true",
            "pool | true",
            "!pool | false",
            "!node-role.kubernetes.io/control-plane | true",
            "pool=cache | true",
            "pool==cache | true",
            "pool!=cache | false",
            "pool=storage | false",
            "missing!=x | true",
            "pool in (cache, storage) | true",
            "pool notin (cache,storage) | false",
            "zone in (b,c) | false",
            "missing notin (a) | true",
            "missing in (a) | false",
            "pool=cache,zone in (a,b),!gpu | true",
            "pool=cache,zone=b | false",
    })
    void should_match_like_kubectl(String selector, boolean matches) {
        assertThat(LabelSelector.parse(selector).matches(WORKER)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"=cache", "pool=a,,zone=b", "pool in cache", "pool in (a b)", "pool ~ cache", ","})
    void should_reject_what_kubectl_rejects(String selector) {
        assertThatThrownBy(() -> LabelSelector.parse(selector)).isInstanceOf(IllegalArgumentException.class);
    }
}
