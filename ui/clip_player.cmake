# In-app clip player.
