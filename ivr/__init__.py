"""The IVR: ARI client, PBX simulator, prompts and call flow."""
