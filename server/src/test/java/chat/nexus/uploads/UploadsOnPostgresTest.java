package chat.nexus.uploads;

import chat.nexus.testing.Backend;

class UploadsOnPostgresTest extends UploadCases {
  @Override
  protected Backend backend() {
    return Backend.POSTGRES;
  }
}
