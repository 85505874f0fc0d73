package io.nundb.command;

/**
 * What the engine is plugged into: snapshots, the cluster, node figures and metrics. Each has a
 * standalone default, so the engine runs with plain {@code new} in tests.
 */
public record EnginePorts(SnapshotPort snapshots, ClusterView cluster, NodeStats stats, CommandObserver observer) {

    public static EnginePorts standalone(String nodeName) {
        return new EnginePorts(
                SnapshotPort.NONE, ClusterView.standalone(nodeName), NodeStats.NONE, CommandObserver.NONE);
    }

    public EnginePorts withSnapshots(SnapshotPort p) {
        return new EnginePorts(p, cluster, stats, observer);
    }

    public EnginePorts withCluster(ClusterView p) {
        return new EnginePorts(snapshots, p, stats, observer);
    }

    public EnginePorts withStats(NodeStats p) {
        return new EnginePorts(snapshots, cluster, p, observer);
    }

    public EnginePorts withObserver(CommandObserver p) {
        return new EnginePorts(snapshots, cluster, stats, p);
    }
}
