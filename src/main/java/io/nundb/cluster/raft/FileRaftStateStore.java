package io.nundb.cluster.raft;

import io.nundb.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Term and vote in one small file, replaced atomically: written to a temp file, fsynced, renamed
 * over the old one, then the directory fsynced, so a crash leaves the old or the new state, never a
 * mix. Called on the Raft node's thread; each {@link #persist} costs two fsyncs, which is why it is
 * only called when the term or the vote changes.
 *
 * <p>Format: {@code u32 magic · i64 term · i32 len + votedFor (UTF-8, -1 for none) · u32 CRC32C}.
 */
public final class FileRaftStateStore implements RaftStateStore {

    private static final int MAGIC = 0x4e52_5331; // "NRS1"
    static final String FILE_NAME = "raft-state";

    private final Path dir;
    private final Path file;
    private long term;
    private String votedFor;

    /** Opens (or starts) the state in {@code dir}; a damaged file is an error, never term 0. */
    public FileRaftStateStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        try {
            PrivateFiles.createDirectories(dir);
            if (Files.exists(file)) {
                load(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Raft state " + file, e);
        }
    }

    private void load(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.getInt() != MAGIC) {
                throw new IllegalStateException("not a Raft state file: " + file);
            }
            long t = in.getLong();
            int len = in.getInt();
            String v = null;
            if (len >= 0) {
                byte[] b = new byte[len];
                in.get(b);
                v = new String(b, StandardCharsets.UTF_8);
            }
            int crc = in.getInt();
            if (crc != checksum(bytes, bytes.length - 4) || in.hasRemaining()) {
                throw new IllegalStateException("damaged Raft state file (checksum): " + file);
            }
            term = t;
            votedFor = v;
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalStateException("damaged Raft state file (truncated): " + file, e);
        }
    }

    @Override
    public long currentTerm() {
        return term;
    }

    @Override
    public String votedFor() {
        return votedFor;
    }

    @Override
    public void persist(long newTerm, String newVotedFor) {
        byte[] vote = newVotedFor == null ? null : newVotedFor.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + 8 + 4 + (vote == null ? 0 : vote.length) + 4);
        out.putInt(MAGIC).putLong(newTerm).putInt(vote == null ? -1 : vote.length);
        if (vote != null) {
            out.put(vote);
        }
        out.putInt(checksum(out.array(), out.position()));
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(
                    tmp,
                    java.util.Set.of(
                            StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                    PrivateFiles.file())) {
                out.flip();
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot replace " + file + " atomically", e);
            }
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store Raft term " + newTerm + " in " + file, e);
        }
        term = newTerm;
        votedFor = newVotedFor;
    }

    private void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the rename is then as durable as they allow
            if (!System.getProperty("os.name", "")
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("win")) {
                throw e;
            }
        }
    }

    private static int checksum(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
