package com.booqing.whatsapp.simulator.provider;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Random;

/**
 * QR codes as WhatsApp Web shows them: the raw value ("2@ref,noiseKey,identityKey,advSecret", as Baileys and
 * whatsapp-web.js build it) and a PNG that looks like a QR code (finder and timing patterns, data modules derived from
 * the value). The PNG is not decodable — nothing may scan it; only its shape matters.
 */
public final class QrCodes {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MODULES = 29;
    private static final int QUIET = 4;
    private static final int SCALE = 6;

    private QrCodes() {
    }

    public static String newValue() {
        return "2@" + randomBase64(36) + "," + randomBase64(32) + "," + randomBase64(32) + "," + randomBase64(32);
    }

    /** A black-and-white PNG of a version-3-sized QR-like pattern for {@code value}. */
    public static byte[] png(String value) {
        boolean[][] dark = modules(value);
        int side = (MODULES + 2 * QUIET) * SCALE;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int mx = x / SCALE - QUIET;
                int my = y / SCALE - QUIET;
                boolean black = mx >= 0 && my >= 0 && mx < MODULES && my < MODULES && dark[my][mx];
                image.setRGB(x, y, black ? 0xFF000000 : 0xFFFFFFFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String pngBase64(String value) {
        return Base64.getEncoder().encodeToString(png(value));
    }

    private static boolean[][] modules(String value) {
        boolean[][] dark = new boolean[MODULES][MODULES];
        boolean[][] reserved = new boolean[MODULES][MODULES];
        finder(dark, reserved, 0, 0);
        finder(dark, reserved, MODULES - 7, 0);
        finder(dark, reserved, 0, MODULES - 7);
        for (int i = 8; i < MODULES - 8; i++) {
            dark[6][i] = i % 2 == 0;
            dark[i][6] = i % 2 == 0;
            reserved[6][i] = true;
            reserved[i][6] = true;
        }
        Random data = new Random(seed(value));
        for (int y = 0; y < MODULES; y++) {
            for (int x = 0; x < MODULES; x++) {
                if (!reserved[y][x]) {
                    dark[y][x] = data.nextBoolean();
                }
            }
        }
        return dark;
    }

    /** A 7x7 finder pattern plus its white separator. */
    private static void finder(boolean[][] dark, boolean[][] reserved, int left, int top) {
        for (int dy = -1; dy <= 7; dy++) {
            for (int dx = -1; dx <= 7; dx++) {
                int x = left + dx;
                int y = top + dy;
                if (x < 0 || y < 0 || x >= MODULES || y >= MODULES) {
                    continue;
                }
                reserved[y][x] = true;
                boolean ring = dx == 0 || dx == 6 || dy == 0 || dy == 6;
                boolean core = dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4;
                dark[y][x] = dx >= 0 && dx <= 6 && dy >= 0 && dy <= 6 && (ring || core);
            }
        }
    }

    private static long seed(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String randomBase64(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }
}
