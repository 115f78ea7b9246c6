package chat.nexus.images;

import static org.assertj.core.api.Assertions.assertThat;

import chat.nexus.testing.Bodies;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Types read from bytes, never from names; pictures' sizes read without decoding them. */
class ImageKindsTest {

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void picturesAreKnownByTheirBytes() {
    assertThat(ImageKinds.detect(Bodies.picture(10, 10, "png"), "x.txt")).isEqualTo("image/png");
    assertThat(ImageKinds.detect(Bodies.picture(10, 10, "jpeg"), null)).isEqualTo("image/jpeg");
    assertThat(ImageKinds.detect(Bodies.picture(10, 10, "gif"), "a.html")).isEqualTo("image/gif");
  }

  @Test
  void aNameNeverMakesBytesAPicture() {
    assertThat(ImageKinds.detect(text("<html><body>hi</body></html>"), "cat.png"))
        .isEqualTo("text/html");
    assertThat(ImageKinds.detect(text("just words"), "cat.jpg")).isNotIn("image/jpeg");
    assertThat(ImageKinds.isPicture(ImageKinds.detect(text("just words"), "cat.gif"))).isFalse();
  }

  @Test
  void svgIsNotAPicture() {
    String type =
        ImageKinds.detect(text("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"), "a.svg");
    assertThat(type).isEqualTo("image/svg+xml");
    assertThat(ImageKinds.isPicture(type)).isFalse();
  }

  @Test
  void sizesComeFromHeaders() {
    assertThat(ImageKinds.declaredSize(Bodies.picture(300, 200, "png"), "image/png"))
        .hasValue(new Thumbnails.Size(300, 200));
    assertThat(ImageKinds.declaredSize(Bodies.picture(30, 20, "jpeg"), "image/jpeg"))
        .hasValue(new Thumbnails.Size(30, 20));
    // a lossless WebP header (VP8L): 1 + 14-bit width, 1 + 14-bit height
    byte[] webp = new byte[30];
    System.arraycopy(text("RIFF"), 0, webp, 0, 4);
    System.arraycopy(text("WEBPVP8L"), 0, webp, 8, 8);
    webp[20] = 0x2f;
    long bits = (640 - 1) | ((long) (480 - 1) << 14);
    for (int i = 0; i < 4; i++) {
      webp[21 + i] = (byte) (bits >> (8 * i));
    }
    assertThat(ImageKinds.declaredSize(webp, "image/webp")).hasValue(new Thumbnails.Size(640, 480));
  }
}
