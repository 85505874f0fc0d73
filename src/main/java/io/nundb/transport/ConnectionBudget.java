package io.nundb.transport;

import java.util.EnumMap;
import java.util.Map;

/**
 * The connections of the four client doors, counted against one budget (the file descriptors the
 * process may spend on clients) with a guaranteed share per door. A door admits a new connection
 * iff it is below its own limit ({@code NUN_MAX_CONNECTIONS}) and the connections open on every
 * door, plus this one, plus what each other door has not yet used of its guaranteed share, fit
 * the budget. So one busy door may take most of the budget (10,000 WebSocket watchers under
 * {@code ulimit -n 20000}), but a flood on it can never take the share another door is
 * guaranteed: readiness on HTTP and an admin on TCP still get in. Any thread (the doors' event
 * loops): the check and the count change under one short lock, no I/O.
 */
public final class ConnectionBudget {

    /** The client doors (cluster peer links are not counted: their number is the member count). */
    public enum Door {
        TCP,
        WEBSOCKET,
        HTTP,
        RSOCKET
    }

    /** Share of the budget each door keeps for itself, in percent, unless told otherwise. */
    public static final int DEFAULT_GUARANTEED_PERCENT = 10;

    private final long budget;
    private final int perDoorLimit;
    private final int guaranteed;
    private final Map<Door, Integer> open = new EnumMap<>(Door.class);
    private long total;

    /**
     * @param budget connections of all doors together
     * @param perDoorLimit connections of one door at most
     * @param guaranteed connections each door may always open (up to its limit), whatever the others hold;
     *     at most a quarter of the budget
     */
    public ConnectionBudget(long budget, int perDoorLimit, int guaranteed) {
        if (budget < 0 || perDoorLimit < 0 || guaranteed < 0) {
            throw new IllegalArgumentException(
                    "negative connection budget: " + budget + "/" + perDoorLimit + "/" + guaranteed);
        }
        this.budget = budget;
        this.perDoorLimit = perDoorLimit;
        this.guaranteed = (int) Math.min(Math.min(guaranteed, perDoorLimit), budget / Door.values().length);
        for (Door d : Door.values()) {
            open.put(d, 0);
        }
    }

    /** {@code perDoorLimit} per door and no shared limit beyond it (every door counted alone). */
    public static ConnectionBudget perDoor(int perDoorLimit) {
        return new ConnectionBudget((long) perDoorLimit * Door.values().length, perDoorLimit, 0);
    }

    /** Counts one more connection on {@code door} if the rule admits it; false: refuse it. */
    public synchronized boolean tryAcquire(Door door) {
        int mine = open.get(door);
        if (mine >= perDoorLimit) {
            return false;
        }
        long keptForOthers = 0;
        for (Map.Entry<Door, Integer> e : open.entrySet()) {
            if (e.getKey() != door) {
                keptForOthers += Math.max(0, guaranteed - e.getValue());
            }
        }
        if (total + 1 + keptForOthers > budget) {
            return false;
        }
        open.put(door, mine + 1);
        total++;
        return true;
    }

    /** A connection admitted by {@link #tryAcquire} on {@code door} has closed. */
    public synchronized void release(Door door) {
        int mine = open.get(door);
        if (mine <= 0) {
            throw new IllegalStateException("no connection to release on " + door);
        }
        open.put(door, mine - 1);
        total--;
    }

    /** Connections counted on {@code door}. */
    public synchronized int count(Door door) {
        return open.get(door);
    }

    /** Connections counted on all doors. */
    public synchronized long total() {
        return total;
    }

    public long budget() {
        return budget;
    }

    public int perDoorLimit() {
        return perDoorLimit;
    }

    /** Connections each door may always open, whatever the other doors hold. */
    public int guaranteed() {
        return guaranteed;
    }
}
