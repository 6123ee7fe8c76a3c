package com.booqing.whatsapp.ingress.device;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class QrImagesTest {

    @Test
    void rendersARawWhatsAppQrValueAsAPngDataUrl() throws Exception {
        String raw = "2@y8kG3fN0cQZ1b9sT,Qm9vcWluZy1kZXZpY2Uta2V5,U2lnbmVkLWlkZW50aXR5,YWR2LXNlY3JldA==";

        String url = QrImages.pngDataUrl(raw).orElseThrow();

        assertThat(url).startsWith("data:image/png;base64,");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(url.substring("data:image/png;base64,".length()))));
        assertThat(img.getWidth()).isGreaterThanOrEqualTo(200);
        assertThat(img.getRGB(0, 0) & 0xFFFFFF).as("quiet zone is white").isEqualTo(0xFFFFFF);
    }

    @Test
    void givesNothingForAnEmptyOrAbsurdValue() {
        assertThat(QrImages.pngDataUrl("")).isEmpty();
        assertThat(QrImages.pngDataUrl("x".repeat(5_000))).isEmpty();
    }
}
