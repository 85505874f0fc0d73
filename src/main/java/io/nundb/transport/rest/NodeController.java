package io.nundb.transport.rest;

import io.nundb.cluster.ClusterNode;
import io.nundb.cluster.ClusterStatus;
import io.nundb.metrics.ConnectionCounter;
import io.nundb.metrics.MeterNames;
import io.nundb.node.NunDbNode;
import io.nundb.watch.WatchRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/node} (admin, HTTP Basic): databases, open connections per transport, watched
 * keys and, on a clustered node, its Raft figures and the members with role and lag — the web
 * console's admin view polls it. The admin login is checked by the same engine session as
 * {@code GET /api/v1/dbs}; the rest are moment's copies of concurrent structures, read on the
 * Netty event loop without blocking.
 */
@RestController
public class NodeController {

    private final ApiController api;
    private final ConnectionCounter connections;
    private final WatchRegistry watches;
    private final ClusterNode cluster;

    public NodeController(ApiController api, ConnectionCounter connections, WatchRegistry watches, NunDbNode node) {
        this.api = api;
        this.connections = connections;
        this.watches = watches;
        this.cluster = node.cluster();
    }

    @GetMapping(path = "/api/v1/node", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<NodeView> node(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        return api.listDbs(auth)
                .map(dbs -> new NodeView(
                        dbs.dbs(), openConnections(), watches.activeWatches(), watches.watchedKeys(), cluster()));
    }

    private Map<String, Long> openConnections() {
        Map<String, Long> open = new TreeMap<>();
        connections.transports().forEach(t -> open.put(t, connections.open(t)));
        // "other" is only for a transport outside the known ones: noise while it stays empty
        open.remove(MeterNames.OTHER_TRANSPORT, 0L);
        return open;
    }

    private NodeView.Cluster cluster() {
        if (cluster == null) {
            return null;
        }
        ClusterStatus s = cluster.status();
        return new NodeView.Cluster(
                s.self(),
                s.role().name().toLowerCase(Locale.ROOT),
                s.primary(),
                s.term(),
                s.commitIndex(),
                s.appliedIndex(),
                s.lastIndex(),
                s.ready(),
                s.ack().name().toLowerCase(Locale.ROOT),
                cluster.memberViews());
    }
}
