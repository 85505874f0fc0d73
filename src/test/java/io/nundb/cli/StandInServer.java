package io.nundb.cli;

import com.sun.net.httpserver.HttpServer;
import io.nundb.command.CommandExecutor;
import io.nundb.command.EnginePorts;
import io.nundb.command.Session;
import io.nundb.protocol.CommandSplitter;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.security.AdminCredentials;
import io.nundb.storage.Databases;
import io.nundb.storage.Journal;
import io.nundb.watch.WatchRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real engine behind minimal TCP and HTTP front ends on port 0, for CLI tests on a branch where
 * the production transports are not merged yet. Speaks the same framing: TCP greets with {@code ok },
 * one command per line, messages then the final reply; HTTP splits the body on ';' and pairs each
 * command with one piece.
 */
final class StandInServer implements AutoCloseable {

    final CommandExecutor executor;
    private final ServerSocket tcp;
    private final HttpServer http;
    private final List<Socket> sockets = new ArrayList<>();

    StandInServer(String user, String password) throws IOException {
        WatchRegistry watches = new WatchRegistry();
        Databases dbs = new Databases(Journal.NONE, watches, password);
        executor = new CommandExecutor(
                dbs, watches, new AdminCredentials(user, password), EnginePorts.standalone("127.0.0.1:0"));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        tcp = new ServerSocket(0, 50, loopback);
        Thread acceptor = new Thread(this::accept, "stand-in-tcp");
        acceptor.setDaemon(true);
        acceptor.start();
        http = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        http.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Session session = new Session("http", m -> true);
            List<String> pieces = new ArrayList<>();
            for (String command : CommandSplitter.split(body)) {
                pieces.add(Replies.httpPiece(executor.execute(session, command)
                        .orTimeout(10, TimeUnit.SECONDS)
                        .join()));
            }
            executor.close(session);
            byte[] reply = String.join(";", pieces).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        });
        http.start();
    }

    String httpUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    String tcpAddress() {
        return "127.0.0.1:" + tcp.getLocalPort();
    }

    private void accept() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                synchronized (sockets) {
                    sockets.add(s);
                }
                Thread t = new Thread(() -> serve(s), "stand-in-tcp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            Session session = new Session("tcp", m -> write(out, m));
            write(out, Replies.OK);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                Response r = executor.execute(session, line).get(10, TimeUnit.SECONDS);
                synchronized (out) {
                    for (String m : r.messages()) {
                        write(out, m);
                    }
                    write(out, Replies.terminal(r));
                }
            }
            executor.close(session);
        } catch (Exception e) {
            // connection ended
        }
    }

    private static boolean write(OutputStream out, String message) {
        synchronized (out) {
            try {
                out.write(message.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        tcp.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
