package io.nundb.config;

import io.nundb.command.CommandExecutor;
import io.nundb.transport.stream.WatchStreams;
import io.nundb.watch.ChangeFeed;
import io.nundb.watch.OutboxLimits;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Watch streams for SSE and RSocket, buffered within the connection outbox limits. */
@Configuration(proxyBeanMethods = false)
public class StreamConfiguration {

    @Bean
    WatchStreams watchStreams(CommandExecutor executor, ChangeFeed feed, OutboxLimits outboxLimits) {
        return new WatchStreams(executor, feed, outboxLimits);
    }
}
