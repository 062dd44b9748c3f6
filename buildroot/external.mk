include $(sort $(wildcard $(BR2_EXTERNAL_SKYGUARD_PATH)/package/*/*.mk))
