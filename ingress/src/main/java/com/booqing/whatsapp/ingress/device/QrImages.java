package com.booqing.whatsapp.ingress.device;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a provider's raw QR value (the "2@..." string WhatsApp encodes) into a PNG data URL. Rendering here
 * rather than passing on each provider's own image gives one look for every provider, and no image travels
 * through Kafka or Redis.
 */
public final class QrImages {
    static final String PREFIX = "data:image/png;base64,";
    private static final int SIZE = 264;
    private static final int MAX_RAW_LENGTH = 2_000;

    private QrImages() {
    }

    public static Optional<String> pngDataUrl(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_RAW_LENGTH) {
            return Optional.empty();
        }
        try {
            BitMatrix m = new QRCodeWriter().encode(raw, BarcodeFormat.QR_CODE, SIZE, SIZE,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.L, EncodeHintType.MARGIN, 2));
            BufferedImage img = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    img.setRGB(x, y, m.get(x, y) ? 0x000000 : 0xFFFFFF);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return Optional.of(PREFIX + Base64.getEncoder().encodeToString(out.toByteArray()));
        } catch (WriterException | IOException e) {
            return Optional.empty();
        }
    }
}
