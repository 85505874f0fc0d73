package io.nundb.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which raw paths the guard lets through (the HTTP answer is in OperationsEndpointsTest). */
class PathGuardTest {

    @Test
    void brokenEscapesAndEncodedSlashesAreRefused() {
        assertThat(PathGuard.isValid("/api/v1/dbs/app/keys/a%20b")).isTrue();
        assertThat(PathGuard.isValid("/api/v1/dbs/app/keys/%C3%A9")).isTrue();
        assertThat(PathGuard.isValid("/")).isTrue();
        assertThat(PathGuard.isValid("/actuator/health/a%2Fb")).isFalse();
        assertThat(PathGuard.isValid("/actuator/health/a%2fb")).isFalse();
        assertThat(PathGuard.isValid("/x/%5c")).isFalse();
        assertThat(PathGuard.isValid("/x/%zz")).isFalse();
        assertThat(PathGuard.isValid("/x/%4")).isFalse();
        assertThat(PathGuard.isValid("/x/%")).isFalse();
    }
}
