################################################################################
#
# skyguard
#
################################################################################

# Built from the checkout this external tree lives in, not from a tarball:
# the firmware and the Buildroot tree are released together.
SKYGUARD_VERSION = local
SKYGUARD_SITE = $(BR2_EXTERNAL_SKYGUARD_PATH)/..
SKYGUARD_SITE_METHOD = local
SKYGUARD_LICENSE = Proprietary
# Build outputs, the demo ring and this tree itself are not sources; copying
# them would make every rsync slow and every rebuild dirty.
SKYGUARD_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude .git \
	--exclude /out \
	--exclude /bin \
	--exclude /demo-data \
	--exclude /buildroot \
	--exclude node_modules

SKYGUARD_GOMOD = skyguard
SKYGUARD_BUILD_TARGETS = firmware/cmd/skyguard
# One build target, so the infrastructure names the binary after it and
# installs exactly that one (SKYGUARD_INSTALL_BINS defaults to it; newer
# Buildroot refuses an explicit _INSTALL_BINS).
SKYGUARD_BIN_NAME = skyguard

# The build stamp is the top Makefile's: the rsync copy has no .git, so ask
# the checkout. Override on the make command line for a release build.
SKYGUARD_GIT = git -C $(SKYGUARD_SITE)
SKYGUARD_STAMP_VERSION := $(shell $(SKYGUARD_GIT) describe --tags --always --dirty 2>/dev/null || echo dev)
SKYGUARD_STAMP_COMMIT := $(shell $(SKYGUARD_GIT) rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
SKYGUARD_STAMP_DATE := $(shell $(SKYGUARD_GIT) log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)
SKYGUARD_LDFLAGS = -s -w -buildid= \
	-X skyguard/firmware/version.Version=$(SKYGUARD_STAMP_VERSION) \
	-X skyguard/firmware/version.Commit=$(SKYGUARD_STAMP_COMMIT) \
	-X skyguard/firmware/version.Date=$(SKYGUARD_STAMP_DATE)

# Static, reproducible and offline: no cgo, paths trimmed, dependencies only
# from vendor/, no module proxy and no toolchain download.
SKYGUARD_GO_ENV = \
	CGO_ENABLED=0 \
	GOFLAGS="-mod=vendor -trimpath" \
	GOPROXY=off \
	GOTOOLCHAIN=local

define SKYGUARD_INSTALL_CONFIG
	$(INSTALL) -D -m 0644 $(@D)/firmware/skyguard.example.yaml \
		$(TARGET_DIR)/etc/skyguard/skyguard.yaml
endef
SKYGUARD_POST_INSTALL_TARGET_HOOKS += SKYGUARD_INSTALL_CONFIG

define SKYGUARD_INSTALL_INIT_SYSV
	$(INSTALL) -D -m 0755 $(SKYGUARD_PKGDIR)/S90skyguard \
		$(TARGET_DIR)/etc/init.d/S90skyguard
endef

define SKYGUARD_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(SKYGUARD_PKGDIR)/skyguard.service \
		$(TARGET_DIR)/usr/lib/systemd/system/skyguard.service
	$(INSTALL) -D -m 0644 $(SKYGUARD_PKGDIR)/80-skyguard.preset \
		$(TARGET_DIR)/usr/lib/systemd/system-preset/80-skyguard.preset
endef

$(eval $(golang-package))
