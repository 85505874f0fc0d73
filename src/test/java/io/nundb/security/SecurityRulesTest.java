package io.nundb.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Key patterns, permission specs, name validation and credential comparison. */
class SecurityRulesTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "'',      anything, true",
        "*,       anything, true",
        "name*,   name1,    true",
        "name*,   myname,   false",
        "*name,   myname,   true",
        "*name,   name1,    false",
        "name,    myname1,  true",
        "name,    nam,      false",
        "**a**,   xay,      false",
        "**a**,   abc,      true",
        "a*b,     a*bc,     true",
        "a*b,     ab,       false",
    })
    void keyPatterns(String pattern, String key, boolean matches) {
        assertThat(KeyPattern.of(pattern).matches(key)).isEqualTo(matches);
    }

    @Test
    void permissionLetters() {
        Permissions p = Permissions.parse("rw test-*|i count|x *tmp|z pub");
        assertThat(p.allows('r', "test-1")).isTrue();
        assertThat(p.allows('w', "test-1")).isTrue();
        assertThat(p.allows('i', "test-1")).isFalse();
        assertThat(p.allows('i', "count")).isTrue();
        assertThat(p.allows('i', "mycounter")).isTrue(); // substring
        assertThat(p.allows('x', "a-tmp")).isTrue();
        assertThat(p.allows('x', "tmp-a")).isFalse();
        assertThat(p.allows('r', "pub")).isTrue(); // unknown letters mean r
        assertThat(p.allows('w', "pub")).isFalse();
    }

    @Test
    void aGroupWithoutPatternsGrantsNothing() {
        Permissions p = Permissions.parse("rwix");
        assertThat(p.allows('r', "a")).isFalse();
        assertThat(p.normalized()).isEqualTo("rwix ");
        assertThat(Permissions.parse("rw a,b,|i c").normalized()).isEqualTo("rw a,b|i c");
        assertThat(Permissions.parse("").allows('r', "a")).isFalse();
    }

    @Test
    void databaseNames() {
        assertThat(Names.validDatabaseName("my-db_1.v2")).isTrue();
        assertThat(Names.validDatabaseName("")).isFalse();
        assertThat(Names.validDatabaseName(null)).isFalse();
        assertThat(Names.validDatabaseName("a\tb")).isFalse();
        assertThat(Names.validDatabaseName("a..b")).isFalse();
    }

    @Test
    void keys() {
        assertThat(Names.invalidKeyReason("user:1/profile")).isNull();
        assertThat(Names.invalidKeyReason("a\u007fb")).isEqualTo("Key must not contain control characters");
    }

    @Test
    void credentials() {
        AdminCredentials c = new AdminCredentials("nun", "pwd", 1000);
        assertThat(c.check("nun", "pwd").join()).isEqualTo(SecretVerifier.Verdict.VALID);
        assertThat(c.check("nun", "pwd ").join()).isEqualTo(SecretVerifier.Verdict.INVALID);
        assertThat(c.check(null, "pwd").join()).isEqualTo(SecretVerifier.Verdict.INVALID);
        assertThat(c.toString()).doesNotContain("pwd");
        assertThat(c.passwordHash()).startsWith(SecretHash.PREFIX).doesNotContain("pwd");
        // every node derives the same salt from the user: the $admin token is part of the state digest
        assertThat(new AdminCredentials("nun", "pwd", 1000).passwordHash()).isEqualTo(c.passwordHash());
        assertThatThrownBy(() -> new AdminCredentials("nun", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
