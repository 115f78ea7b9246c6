package chat.nexus.uploads;

import chat.nexus.testing.Backend;

class UploadsOnH2Test extends UploadCases {
  @Override
  protected Backend backend() {
    return Backend.H2;
  }
}
