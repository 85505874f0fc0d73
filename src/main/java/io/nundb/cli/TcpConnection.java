package io.nundb.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client connection to a node's TCP port: NunDB's line protocol (greeting {@code ok }, LF lines). */
final class TcpConnection implements Closeable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final String address;

    private TcpConnection(Socket socket, String address) throws IOException {
        this.socket = socket;
        this.address = address;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code host:port} and reads the server's greeting. */
    static TcpConnection open(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new CliException(NunDbCli.EXIT_USAGE, "not a host:port address: " + address);
        }
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CliException(NunDbCli.EXIT_USAGE, "not a host:port address: " + address);
        }
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 5000);
            TcpConnection c = new TcpConnection(socket, address);
            String greeting = c.readLine();
            if (greeting == null) {
                throw new IOException("closed before greeting");
            }
            return c;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new CliException(
                    NunDbCli.EXIT_UNREACHABLE,
                    "cannot reach " + address + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    void send(String command) throws IOException {
        out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line without its LF, or null at end of stream. */
    String readLine() throws IOException {
        return in.readLine();
    }

    /**
     * Sends {@code command} and reads lines until its final reply; returns the data lines. An
     * {@code error} final reply becomes a CliException with {@code errorExit}.
     */
    java.util.List<String> call(String command, int errorExit) throws IOException {
        send(command);
        java.util.List<String> lines = new java.util.ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new CliException(NunDbCli.EXIT_UNREACHABLE, address + " closed the connection");
            }
            if (isTerminal(line)) {
                if (line.startsWith("error ")) {
                    throw new CliException(
                            errorExit, line.substring("error ".length()).trim());
                }
                return lines;
            }
            lines.add(line);
        }
    }

    /**
     * True for a command's final line: {@code ok } or {@code error …}, except the pushed copy of
     * {@code error no-db-selected} that precedes its final reply.
     */
    static boolean isTerminal(String line) {
        return line.equals("ok ") || (line.startsWith("error ") && !line.equals("error no-db-selected"));
    }

    String address() {
        return address;
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing: nothing left to report
        }
    }
}
