package io.nundb.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.transport.ConnectionBudget.Door;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {

    private static int fill(ConnectionBudget b, Door d) {
        int n = 0;
        while (b.tryAcquire(d)) {
            n++;
        }
        return n;
    }

    @Test
    void oneDoorMayTakeAllButTheOthersGuaranteedShares() {
        ConnectionBudget b = new ConnectionBudget(1000, 10_000, 100);
        assertThat(fill(b, Door.TCP)).as("past a quarter: 1000 - 3 x 100").isEqualTo(700);
        for (Door other : new Door[] {Door.WEBSOCKET, Door.HTTP, Door.RSOCKET}) {
            assertThat(fill(b, other)).as("%s keeps its share", other).isEqualTo(100);
        }
        assertThat(b.total()).isEqualTo(1000);
    }

    @Test
    void aDoorIsHeldToItsOwnLimit() {
        ConnectionBudget b = new ConnectionBudget(1000, 300, 100);
        assertThat(fill(b, Door.WEBSOCKET)).isEqualTo(300);
        assertThat(fill(b, Door.HTTP)).isEqualTo(300);
        // 600 used, 200 kept for TCP and RSocket
        assertThat(fill(b, Door.TCP)).isEqualTo(300);
        assertThat(fill(b, Door.RSOCKET)).isEqualTo(100);
    }

    @Test
    void aDoorUsingItsShareLeavesNothingKeptForItAndReleasesGiveRoomBack() {
        ConnectionBudget b = new ConnectionBudget(100, 1000, 10);
        assertThat(fill(b, Door.HTTP)).isEqualTo(70);
        assertThat(fill(b, Door.TCP)).isEqualTo(10);
        // TCP holds its share, so HTTP can take nothing more: the rest is WS's and RSocket's
        assertThat(b.tryAcquire(Door.HTTP)).isFalse();
        b.release(Door.HTTP);
        assertThat(b.count(Door.HTTP)).isEqualTo(69);
        assertThat(b.tryAcquire(Door.TCP))
                .as("a freed place goes to whichever door asks")
                .isTrue();
        assertThat(b.tryAcquire(Door.HTTP)).isFalse();
        assertThat(fill(b, Door.WEBSOCKET)).isEqualTo(10);
        assertThat(fill(b, Door.RSOCKET)).isEqualTo(10);
        assertThat(b.total()).isEqualTo(100);
    }

    @Test
    void theGuaranteeIsAtMostAQuarterOfTheBudgetAndAtMostTheDoorLimit() {
        assertThat(new ConnectionBudget(100, 1000, 60).guaranteed()).isEqualTo(25);
        assertThat(new ConnectionBudget(1000, 5, 60).guaranteed()).isEqualTo(5);
        ConnectionBudget b = new ConnectionBudget(100, 1000, 60);
        assertThat(fill(b, Door.TCP)).isEqualTo(25);
    }

    @Test
    void perDoorCountsEachDoorAloneAsBefore() {
        ConnectionBudget b = ConnectionBudget.perDoor(3);
        for (Door d : Door.values()) {
            assertThat(fill(b, d)).isEqualTo(3);
        }
    }

    @Test
    void releasingAConnectionThatWasNotCountedIsABug() {
        ConnectionBudget b = new ConnectionBudget(10, 10, 1);
        assertThatThrownBy(() -> b.release(Door.TCP)).isInstanceOf(IllegalStateException.class);
    }

    /** The rule against a model, over random opens and closes: never over a limit, never a share taken. */
    @Test
    void randomOpensAndClosesKeepTheRule() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            long budget = 4 + random.nextInt(60);
            int limit = 1 + random.nextInt(40);
            int g = random.nextInt(20);
            ConnectionBudget b = new ConnectionBudget(budget, limit, g);
            int kept = b.guaranteed();
            Map<Door, Integer> model = new EnumMap<>(Door.class);
            for (Door d : Door.values()) {
                model.put(d, 0);
            }
            for (int step = 0; step < 400; step++) {
                Door d = Door.values()[random.nextInt(4)];
                if (random.nextInt(3) == 0 && model.get(d) > 0) {
                    b.release(d);
                    model.merge(d, -1, Integer::sum);
                    continue;
                }
                long total = model.values().stream().mapToInt(Integer::intValue).sum();
                long keptForOthers = 0;
                for (Door e : Door.values()) {
                    if (e != d) {
                        keptForOthers += Math.max(0, kept - model.get(e));
                    }
                }
                boolean expected = model.get(d) < limit && total + 1 + keptForOthers <= budget;
                assertThat(b.tryAcquire(d)).isEqualTo(expected);
                if (expected) {
                    model.merge(d, 1, Integer::sum);
                }
                // a door below its share (and its limit) is always admitted
                for (Door e : Door.values()) {
                    if (model.get(e) < Math.min(kept, limit)) {
                        long t = model.values().stream()
                                .mapToInt(Integer::intValue)
                                .sum();
                        long k = 0;
                        for (Door o : Door.values()) {
                            if (o != e) {
                                k += Math.max(0, kept - model.get(o));
                            }
                        }
                        assertThat(t + 1 + k).as("room for %s's share", e).isLessThanOrEqualTo(budget);
                    }
                }
            }
            assertThat(b.total())
                    .isEqualTo(
                            model.values().stream().mapToInt(Integer::intValue).sum());
        }
    }
}
