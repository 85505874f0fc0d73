package io.nundb.config;

import io.nundb.command.CommandExecutor;
import io.nundb.transport.stream.WatchStreams;
import io.nundb.watch.ChangeFeed;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Watch streams for SSE and RSocket, buffered up to {@code nundb.outbox-limit} events each. */
@Configuration(proxyBeanMethods = false)
public class StreamConfiguration {

    @Bean
    WatchStreams watchStreams(CommandExecutor executor, ChangeFeed feed, NunDbProperties props) {
        return new WatchStreams(executor, feed, props.outboxLimit());
    }
}
