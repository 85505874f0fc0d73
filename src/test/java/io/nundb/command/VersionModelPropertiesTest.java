package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.TestEngine.Client;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of set, set-safe and remove on one key of a {@code none} db, checked step by
 * step against reference 4.2 written as a tiny model.
 */
class VersionModelPropertiesTest {

    /** The model's view of the key: absent, live or removed, and its version. */
    private static final class Model {
        boolean exists;
        boolean removed;
        int version;
        String value;

        /** Applies a change with client version v; returns whether it is accepted. */
        boolean write(int v, String newValue) {
            int next;
            if (!exists) {
                next = v + 1;
            } else if (v == -2) {
                next = -2;
            } else if (version == -2) {
                return false;
            } else {
                next = v == -1 ? version + 1 : v + 1;
                if (next <= version) {
                    return false;
                }
            }
            exists = true;
            removed = false;
            version = next;
            value = newValue;
            return true;
        }

        void remove() {
            if (exists && !removed) {
                removed = true;
                version = Math.max(version, -1) + 1;
            }
        }

        String getSafe() {
            if (!exists) {
                return "value-version 1 <Empty>\n";
            }
            return "value-version " + version + " " + (removed ? "<Empty>" : value) + "\n";
        }
    }

    @Property(tries = 300)
    void theEngineFollowsTheVersionRules(@ForAll("steps") List<Integer> steps) {
        TestEngine engine = new TestEngine();
        engine.adminOn("db", "none");
        Client c = engine.tokenClient("db");
        Model model = new Model();
        int n = 0;
        for (int step : steps) {
            String value = "v" + n++;
            if (step == Integer.MIN_VALUE) {
                c.expect("remove k", "ok \n");
                model.remove();
            } else if (step == Integer.MAX_VALUE) {
                boolean accepted = model.write(-1, value);
                assertThat(c.send("set k " + value)).isEqualTo(accepted ? "ok \n" : "error Invalid version! \n");
            } else {
                boolean accepted = model.write(step, value);
                assertThat(c.send("set-safe k " + step + " " + value))
                        .as("set-safe k %d after %s", step, model.getSafe())
                        .isEqualTo(accepted ? "ok \n" : "error Invalid version! \n");
            }
            c.expect("get-safe k", model.getSafe(), "ok \n");
        }
    }

    /** set-safe versions from -3 to 12, plus MIN_VALUE for remove and MAX_VALUE for set. */
    @Provide
    Arbitrary<List<Integer>> steps() {
        Arbitrary<Integer> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(-3, 12)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Integer.MIN_VALUE)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Integer.MAX_VALUE)));
        return step.list().ofMinSize(1).ofMaxSize(25);
    }
}
