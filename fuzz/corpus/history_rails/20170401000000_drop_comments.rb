class DropComments < ActiveRecord::Migration[5.1]
  def change
    remove_foreign_key :comments, :articles
    rename_table :articles, :posts
    drop_table :comments
    remove_column :posts, :slug, :string
  end
end
