package io.nundb.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    @Test
    void anyByDefaultAnAllowListOtherwiseAndRequestsWithoutOriginAlwaysPass() {
        assertThat(OriginPolicy.parse(null).allows("https://evil.example")).isTrue();
        assertThat(OriginPolicy.parse("*").allowsAny()).isTrue();
        OriginPolicy list = OriginPolicy.parse(" https://App.example.com/ , http://localhost:8080");
        assertThat(list.allows("https://app.example.com")).isTrue();
        assertThat(list.allows("http://localhost:8080")).isTrue();
        assertThat(list.allows("https://evil.example")).isFalse();
        assertThat(list.allows("null")).isFalse();
        assertThat(list.allows(null)).isTrue();
    }
}
