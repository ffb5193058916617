"""HTTP gateway: authenticates staff, checks permissions, and forwards to the services over Nameko RPC."""
