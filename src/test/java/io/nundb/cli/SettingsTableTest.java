package io.nundb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The settings table of docs/operations.md is the one place an operator reads: every row agrees
 * with application.yml (variable and default), with the Spring configuration metadata the jar
 * ships (IDE completion) and with the {@code nun-db start} flags.
 */
class SettingsTableTest {

    record Row(String variable, String property, String flags, String unit, String defaultValue) {}

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern YML_VALUE = Pattern.compile("\\$\\{(NUN_[A-Z_]+):(?:\\$\\{NUN_[A-Z_]+:)?([^}]*)}}?");

    private static Map<String, Row> table() throws IOException {
        String docs = Files.readString(Path.of("docs/operations.md"));
        String section = docs.substring(docs.indexOf("## Settings"), docs.indexOf("### Securing Actuator"));
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : section.lines().toList()) {
            if (!line.startsWith("| `NUN_")) {
                continue;
            }
            String[] cells = line.split("\\|");
            Row row = new Row(code(cells[1]), code(cells[2]), cells[3].trim(), cells[4].trim(), cells[5].trim());
            rows.put(row.property(), row);
        }
        return rows;
    }

    private static String code(String cell) {
        Matcher m = CODE.matcher(cell);
        assertThat(m.find()).as(cell).isTrue();
        return m.group(1);
    }

    /** nundb.* property → its ${NUN_…:default} in application.yml. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> applicationYml() throws IOException {
        Map<String, Object> yml = new Yaml().load(Files.readString(Path.of("src/main/resources/application.yml")));
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", yml, flat);
        Map<String, String> nundb = new LinkedHashMap<>();
        flat.forEach((k, v) -> {
            if (k.startsWith("nundb.")) {
                nundb.put(k, v);
            }
        });
        return nundb;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, String> into) {
        map.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                flatten(prefix + k + ".", (Map<String, Object>) m, into);
            } else {
                into.put(prefix + k, String.valueOf(v));
            }
        });
    }

    @Test
    void everySettingHasOneRowWithItsVariableAndDefault() throws IOException {
        Map<String, Row> table = table();
        Map<String, String> yml = applicationYml();
        assertThat(table.keySet()).containsExactlyInAnyOrderElementsOf(yml.keySet());
        for (Row row : table.values()) {
            Matcher m = YML_VALUE.matcher(yml.get(row.property()));
            assertThat(m.matches()).as(row.property() + " in application.yml").isTrue();
            assertThat(m.group(1)).as(row.property()).isEqualTo(row.variable());
            if (!m.group(2).isEmpty()) {
                assertThat(row.defaultValue()).as(row.property()).isEqualTo("`" + m.group(2) + "`");
            }
        }
    }

    @Test
    void durationsNameTheirUnit() throws IOException {
        for (String property : List.of(
                "nundb.election-timeout",
                "nundb.declutter-interval",
                "nundb.storage.fsync-interval",
                "nundb.storage.shutdown-timeout")) {
            assertThat(table().get(property).unit()).as(property).isIn("ms", "s");
        }
        assertThat(table().get("nundb.declutter-interval").unit()).isEqualTo("s");
        assertThat(table().get("nundb.election-timeout").unit()).isEqualTo("ms");
    }

    @Test
    void everyPropertyIsInTheConfigurationMetadata() throws IOException {
        Set<String> described = new HashSet<>();
        for (String resource : List.of(
                "META-INF/spring-configuration-metadata.json",
                "META-INF/additional-spring-configuration-metadata.json")) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
                assertThat(in).as(resource).isNotNull();
                Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"(nundb\\.[a-z.-]+)\"")
                        .matcher(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                while (m.find()) {
                    described.add(m.group(1));
                }
            }
        }
        assertThat(described).containsAll(table().keySet());
    }

    @Test
    void everyFlagIsOneTheStartVerbTakes() throws IOException {
        CommandLine cl = new CommandLine(new NunDbCli(new ByteArrayInputStream(new byte[0])));
        Set<String> options = new HashSet<>(cl.getCommandSpec().optionsMap().keySet());
        options.addAll(
                cl.getSubcommands().get("start").getCommandSpec().optionsMap().keySet());
        List<String> wrong = new ArrayList<>();
        for (Row row : table().values()) {
            Matcher m = CODE.matcher(row.flags());
            assertThat(m.find()).as(row.property()).isTrue();
            do {
                String flag = m.group(1);
                boolean ok = flag.endsWith("=…") ? flag.equals("--" + row.property() + "=…") : options.contains(flag);
                if (!ok) {
                    wrong.add(row.property() + ": " + flag);
                }
            } while (m.find());
        }
        assertThat(wrong).isEmpty();
    }
}
