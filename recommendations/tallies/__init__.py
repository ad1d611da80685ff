"""What the pages add up, read only: the dashboard's counts (`dashboard`) and where a reporting
round stands per owner and side (`rounds`)."""
