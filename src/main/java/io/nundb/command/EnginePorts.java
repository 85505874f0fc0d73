package io.nundb.command;

/**
 * What the engine is plugged into: snapshots, the cluster, node figures, metrics and the placement
 * of writes. Each has a standalone default, so the engine runs with plain {@code new} in tests.
 */
public record EnginePorts(
        SnapshotPort snapshots,
        ClusterView cluster,
        NodeStats stats,
        CommandObserver observer,
        WritePlacement placement) {

    public static EnginePorts standalone(String nodeName) {
        return new EnginePorts(
                SnapshotPort.NONE,
                ClusterView.standalone(nodeName),
                NodeStats.NONE,
                CommandObserver.NONE,
                WritePlacement.STANDALONE);
    }

    public EnginePorts withSnapshots(SnapshotPort p) {
        return new EnginePorts(p, cluster, stats, observer, placement);
    }

    public EnginePorts withCluster(ClusterView p) {
        return new EnginePorts(snapshots, p, stats, observer, placement);
    }

    public EnginePorts withStats(NodeStats p) {
        return new EnginePorts(snapshots, cluster, p, observer, placement);
    }

    public EnginePorts withObserver(CommandObserver p) {
        return new EnginePorts(snapshots, cluster, stats, p, placement);
    }

    public EnginePorts withPlacement(WritePlacement p) {
        return new EnginePorts(snapshots, cluster, stats, observer, p);
    }
}
